import { readFile } from 'node:fs/promises';
import type { FlagState } from '../../routing/types.js';
import { documentToState, flagDocumentSchema } from '../document.js';
import type { UnleashAdminApi } from './admin-api.js';
import { UnleashRefusedError } from './errors.js';
import { initFlags } from './init.js';
import { changedParts, reflects } from './parts.js';
import type { UnleashFlagNames } from './strategies.js';
import { UnleashWriter } from './writer.js';

/** A file that cannot be imported: the CLI says why and exits 1. */
export class FlagFileError extends Error {}

/**
 * `switchyard flags import <file>`: a file source's state (percentages with their group ids,
 * overrides and their notes, the rollback and its record) written to Unleash, after `flags init`.
 * The group ids and the userId stickiness travel with the percentages, so every user keeps the
 * engine the file gave them. Importing the same file twice changes nothing the second time.
 * Answers what it did, in lines.
 */
export async function importFlagFile(
  api: UnleashAdminApi,
  names: UnleashFlagNames,
  path: string,
  warn: (message: string) => void,
): Promise<string[]> {
  const wanted = await readFlagFile(path, names);
  const lines = await initFlags(api, names);
  const writer = new UnleashWriter(api, names, warn);
  const before = (await writer.read()).state;
  if (before === null)
    throw new UnleashRefusedError('the flags in Unleash are in a shape Switchyard cannot edit');
  const parts = changedParts(before, wanted).add('notes');
  await writer.write(wanted, parts);
  const after = await writer.read();
  if (after.state === null || !reflects(after.state, wanted, parts)) {
    throw new UnleashRefusedError(`Unleash does not show the imported flags: ${after.problems.join('; ')}`);
  }
  lines.push(`before: ${summary(before)}`, `after:  ${summary(after.state)}`);
  return lines;
}

async function readFlagFile(path: string, names: UnleashFlagNames): Promise<FlagState> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const why =
      err instanceof SyntaxError ? 'not valid JSON' : ((err as NodeJS.ErrnoException).code ?? 'unreadable');
    throw new FlagFileError(`${path}: ${why}`);
  }
  const parsed = flagDocumentSchema.safeParse(doc);
  if (parsed.success && !parsed.data.features.some((f) => f.name === names.rollout)) {
    throw new FlagFileError(`${path}: no flag named ${names.rollout} (ROLLOUT_FLAG) in the file`);
  }
  try {
    return documentToState(doc, names);
  } catch (err) {
    const issues = (err as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
    const why =
      issues?.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ') ??
      (err as Error).message;
    throw new FlagFileError(`${path}: not a flag file (${why})`);
  }
}

function summary(s: FlagState): string {
  const rollback = s.rollback.engaged
    ? `rolled back (${s.rollback.trigger ?? 'external'})`
    : 'not rolled back';
  return (
    `rollout ${s.rollout.percent}% (groupId ${s.rollout.groupId}), shadow ${s.shadow.percent}% ` +
    `(groupId ${s.shadow.groupId}), ${s.overrides.size} override(s), ${rollback}`
  );
}
