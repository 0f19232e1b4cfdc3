import type { Worker } from 'node:worker_threads';

/** How long a worker thread asked to stop gets to exit on its own before it is terminated. */
export const WORKER_EXIT_MS = 5000;

/**
 * Stops a worker thread by letting it exit on its own: `ask` tells it to finish (it then closes its
 * port and its event loop runs dry), and only a worker still running after `timeoutMs` is
 * terminated. `worker.terminate()` stops a thread wherever it is, native work included (an fs or
 * zlib request in flight, a wasm call); under load that is a known way to crash the whole
 * process. Resolves with the exit code once the thread is gone.
 */
export function stopWorker(
  worker: Worker,
  ask: () => void = () => {},
  timeoutMs = WORKER_EXIT_MS,
): Promise<number> {
  // A thread that has exited has no id any more.
  if (worker.threadId < 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    // Whoever waits for the stop is kept waiting: an unref'd worker (they all are) and nothing else
    // pending would let the process end before the thread did, and before what comes after.
    worker.ref();
    const timer = setTimeout(() => void worker.terminate(), timeoutMs);
    worker.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    ask();
  });
}
