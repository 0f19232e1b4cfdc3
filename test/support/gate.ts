/**
 * A test-controlled valve for the fake upstream's `gated` script: every `release()` lets exactly
 * one more chunk onto the wire. It exists so a test can prove the proxy forwards chunk 1 while the
 * upstream is still provably withholding chunk 2 (no timing guesswork, no buffering can hide).
 *
 * Releases are permits: releasing before the request arrives is fine, they are spent in order.
 * One gate drives every request its route serves, so give each gated request its own gate.
 */
export class Gate {
  #permits = 0;
  #unlimited = false;
  #written = 0;
  #takers: Array<() => void> = [];
  #writtenWaiters: Array<{ count: number; resolve: () => void }> = [];

  /** Chunks the upstream has finished handing to the socket so far. */
  get written(): number {
    return this.#written;
  }

  /** Let `count` more chunks through (default one). */
  release(count = 1): void {
    this.#permits += count;
    this.#wake();
  }

  /** Let every remaining chunk through without further releases. */
  releaseAll(): void {
    this.#unlimited = true;
    this.#wake();
  }

  /** Resolves once the upstream has written at least `count` chunks to the socket. */
  whenWritten(count: number): Promise<void> {
    if (this.#written >= count) return Promise.resolve();
    return new Promise((resolve) => this.#writtenWaiters.push({ count, resolve }));
  }

  /** Used by the fake upstream: waits for a permit; false if `signal` aborts first. */
  take(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#tryTake()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const taker = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = (): void => {
        this.#takers = this.#takers.filter((t) => t !== taker);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#takers.push(taker);
    });
  }

  /** Used by the fake upstream after a gated chunk's write completed. */
  markWritten(): void {
    this.#written += 1;
    const ready = this.#writtenWaiters.filter((w) => w.count <= this.#written);
    this.#writtenWaiters = this.#writtenWaiters.filter((w) => w.count > this.#written);
    for (const waiter of ready) waiter.resolve();
  }

  #tryTake(): boolean {
    if (this.#unlimited) return true;
    if (this.#permits === 0) return false;
    this.#permits -= 1;
    return true;
  }

  #wake(): void {
    while (this.#takers.length > 0 && this.#tryTake()) {
      this.#takers.shift()?.();
    }
  }
}

/** A fresh gate with no permits. */
export function createGate(): Gate {
  return new Gate();
}
