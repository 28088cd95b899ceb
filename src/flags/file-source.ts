import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import type { FlagState } from '../routing/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { documentToState, emptyState, stateToDocument, type FlagNames } from './document.js';
import type { FlagSource, FlagSourceStatus } from './source.js';

const DEBOUNCE_MS = 50;

/**
 * Flags in a local file, watched: an edit by hand takes effect within a second, a broken edit
 * is refused with a logged error and the last good state is kept. A missing file means 0%, no
 * shadow, no overrides; it is created at the first change.
 */
export class FileFlagSource implements FlagSource {
  readonly kind = 'file' as const;
  private state: FlagState;
  private lastText: string | null = null;
  private lastSync: string | null = null;
  private problem: string | null = null;
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private writing: Promise<unknown> = Promise.resolve();
  private readonly listeners: Array<(state: FlagState) => void> = [];

  constructor(
    private readonly path: string,
    private readonly names: FlagNames,
    private readonly log: Logger,
  ) {
    this.state = emptyState(names);
  }

  async start(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.reload();
    this.watcher = watch(dirname(this.path), (_event, name) => {
      if (name !== null && name !== basename(this.path)) return;
      if (this.debounce !== null) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload(), DEBOUNCE_MS);
    });
    this.watcher.on('error', (err) => this.log.warn({ err: err.message }, 'flag file watch failed'));
  }

  current(): FlagState {
    return this.state;
  }

  status(): FlagSourceStatus {
    return {
      kind: 'file',
      ready: true,
      up: this.problem === null,
      lastSync: this.lastSync,
      problem: this.problem,
    };
  }

  onChange(listener: (state: FlagState) => void): void {
    this.listeners.push(listener);
  }

  async update(change: (state: FlagState) => FlagState): Promise<FlagState> {
    const next = change(this.state);
    this.publish(next);
    const text = `${JSON.stringify(stateToDocument(next, this.names), null, 2)}\n`;
    this.lastText = text;
    // Writes are serialised so that the file ends as the last change, whatever the disk's timing.
    const write = this.writing.then(() => writeFileAtomic(this.path, text));
    this.writing = write.catch(() => undefined);
    await write;
    this.lastSync = new Date().toISOString();
    return next;
  }

  async close(): Promise<void> {
    this.watcher?.close();
    if (this.debounce !== null) clearTimeout(this.debounce);
    await this.writing;
  }

  private async reload(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (this.lastText !== null)
          this.log.warn({ path: this.path }, 'flag file removed; keeping the last state');
        this.markSynced();
        return;
      }
      this.fail(`cannot read ${this.path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      return;
    }
    if (text === this.lastText) {
      this.markSynced();
      return;
    }
    try {
      const next = documentToState(JSON.parse(text), this.names);
      this.lastText = text;
      this.markSynced();
      this.publish(next);
      this.log.info({ path: this.path }, 'flag file loaded');
    } catch (err) {
      this.fail(`rejected ${this.path}: ${summarise(err)}; keeping the last good state`);
    }
  }

  private publish(next: FlagState): void {
    this.state = next;
    for (const listener of this.listeners) listener(next);
  }

  private markSynced(): void {
    this.problem = null;
    this.lastSync = new Date().toISOString();
  }

  private fail(problem: string): void {
    this.problem = problem;
    this.log.error({ path: this.path }, problem);
  }
}

function summarise(err: unknown): string {
  if (err instanceof SyntaxError) return 'not valid JSON';
  const issues = (err as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  if (issues !== undefined)
    return issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  return (err as Error).message;
}
