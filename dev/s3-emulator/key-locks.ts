/**
 * A readers-writer lock per object key. S3 makes every PUT atomic: a reader sees the old object or
 * the new one, never a mix, and of two conditional writes racing for one key exactly one wins. The
 * emulator's store keeps an object as several files (bytes, metadata, MD5), so without this a GET
 * overlapping a rewrite could send the old length with the new bytes — a response cut short, which
 * workerd reports as "Network connection lost". Waiters are served in arrival order, so a steady
 * stream of readers cannot starve a writer.
 */
export class KeyLocks {
  readonly #locks = new Map<string, LockState>();

  /** Shared hold, for reads. Resolves with the function that releases it. */
  read(key: string): Promise<() => void> {
    return this.#acquire(key, 'read');
  }

  /** Exclusive hold, for writes and deletes. Resolves with the function that releases it. */
  write(key: string): Promise<() => void> {
    return this.#acquire(key, 'write');
  }

  /** Keys with a holder or a waiter (for tests: all released means none). */
  get busyKeys(): number {
    return this.#locks.size;
  }

  #acquire(key: string, mode: 'read' | 'write'): Promise<() => void> {
    let state = this.#locks.get(key);
    if (!state) {
      state = { readers: 0, writer: false, queue: [] };
      this.#locks.set(key, state);
    }
    const lock = state;
    return new Promise((resolve) => {
      lock.queue.push({ mode, grant: () => resolve(once(() => this.#release(key, lock, mode))) });
      this.#grant(key, lock);
    });
  }

  #grant(key: string, state: LockState): void {
    while (state.queue.length > 0 && !state.writer) {
      const next = state.queue[0]!;
      if (next.mode === 'write' && state.readers > 0) break;
      state.queue.shift();
      if (next.mode === 'write') state.writer = true;
      else state.readers++;
      next.grant();
    }
    if (!state.writer && state.readers === 0 && state.queue.length === 0) this.#locks.delete(key);
  }

  #release(key: string, state: LockState, mode: 'read' | 'write'): void {
    if (mode === 'write') state.writer = false;
    else state.readers--;
    this.#grant(key, state);
  }
}

interface LockState {
  readers: number;
  writer: boolean;
  queue: Array<{ mode: 'read' | 'write'; grant(): void }>;
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
