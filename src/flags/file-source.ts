import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import type { FlagState } from '../routing/types.js';
import { writeFileAtomic } from './atomic-write.js';
import { FileTooLargeError, readBoundedText } from './bounded-read.js';
import { documentToState, emptyState, stateToDocument, type FlagNames } from './document.js';
import { PersistedFlags } from './persisted-flags.js';
import type { FlagSource, FlagSourceStatus } from './source.js';

const DEBOUNCE_MS = 50;
export const DEFAULT_MAX_FLAG_FILE_BYTES = 1024 * 1024;

export interface FileFlagSourceOptions {
  /** FLAGS_MAX_FILE_BYTES: a larger file is refused without being read. */
  maxBytes?: number;
  /** How a change is written; write-then-rename by default (tests inject a failing one). */
  write?: (path: string, text: string) => Promise<void>;
}

/**
 * Flags in a local file, watched: an edit by hand takes effect within a second, a broken edit
 * is refused with a logged error and the last good state is kept. A missing file means 0%, no
 * shadow, no overrides; it is created at the first change. A file that cannot be trusted at start
 * (not JSON, no rollout flag, too large) leaves the flags unknown (not ready, legacy for everyone)
 * until it is fixed. A change is written, then published (see FlagSource).
 */
export class FileFlagSource implements FlagSource {
  readonly kind = 'file' as const;
  private readonly flags: PersistedFlags;
  private readonly maxBytes: number;
  private readonly write: (path: string, text: string) => Promise<void>;
  private lastText: string | null = null;
  private lastSync: string | null = null;
  private problem: string | null = null;
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private readonly listeners: Array<(state: FlagState) => void> = [];

  constructor(
    private readonly path: string,
    private readonly names: FlagNames,
    private readonly log: Logger,
    options: FileFlagSourceOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_FLAG_FILE_BYTES;
    this.write = options.write ?? writeFileAtomic;
    this.flags = new PersistedFlags(
      null,
      (state) => this.persist(state),
      (state) => this.listeners.forEach((l) => l(state)),
      () => this.problem,
    );
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

  current(): FlagState | null {
    return this.flags.current();
  }

  status(): FlagSourceStatus {
    const ready = this.flags.current() !== null;
    return {
      kind: 'file',
      ready,
      up: this.problem === null,
      lastSync: this.lastSync,
      problem: ready ? this.problem : (this.problem ?? 'flags not loaded'),
    };
  }

  onChange(listener: (state: FlagState) => void): void {
    this.listeners.push(listener);
  }

  update(change: (state: FlagState) => FlagState): Promise<FlagState> {
    return this.flags.update(change);
  }

  /** Re-reads the file now (coalesced with a pending re-read from the watcher). */
  refresh(): void {
    if (this.debounce !== null) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload(), 0);
  }

  async close(): Promise<void> {
    this.watcher?.close();
    if (this.debounce !== null) clearTimeout(this.debounce);
    await this.flags.idle();
  }

  private async persist(state: FlagState): Promise<void> {
    const text = `${JSON.stringify(stateToDocument(state, this.names), null, 2)}\n`;
    await this.write(this.path, text);
    this.lastText = text;
    this.lastSync = new Date().toISOString();
  }

  private async reload(): Promise<void> {
    // A read in the middle of our own writes could see an older file than the state published.
    await this.flags.idle();
    let text: string;
    try {
      text = await readBoundedText(this.path, this.maxBytes);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return this.missing();
      if (err instanceof FileTooLargeError) return this.fail(`rejected ${this.path}: ${err.message}`);
      this.fail(`cannot read ${this.path}: ${code ?? 'error'}`);
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
      this.flags.load(next);
      this.log.info({ path: this.path }, 'flag file loaded');
    } catch (err) {
      this.fail(`rejected ${this.path}: ${summarise(err)}`);
    }
  }

  private missing(): void {
    if (this.flags.current() === null) this.flags.load(emptyState(this.names));
    else if (this.lastText !== null)
      this.log.warn({ path: this.path }, 'flag file removed; keeping the last state');
    this.markSynced();
  }

  private markSynced(): void {
    this.problem = null;
    this.lastSync = new Date().toISOString();
  }

  private fail(problem: string): void {
    const kept = this.flags.current() === null ? '; the flags are unknown' : '; keeping the last good state';
    this.problem = `${problem}${kept}`;
    this.log.error({ path: this.path }, this.problem);
  }
}

function summarise(err: unknown): string {
  if (err instanceof SyntaxError) return 'not valid JSON';
  const issues = (err as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  if (issues !== undefined)
    return issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
  return (err as Error).message;
}
