import { pushBounded } from '../bounded.js';

export interface Thread {
  id: string;
  ownerId: string;
  title: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/** The threads one engine created, bounded (oldest dropped); a thread is visible to its owner only. */
export interface ThreadStore {
  add(thread: Thread): void;
  find(id: string, userId: string): Thread | undefined;
}

export function createThreadStore(limit = 1000): ThreadStore {
  const threads: Thread[] = [];
  return {
    add: (thread) => pushBounded(threads, thread, limit),
    find: (id, userId) => threads.find((t) => t.id === id && t.ownerId === userId),
  };
}
