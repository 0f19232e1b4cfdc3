import { Worker } from 'node:worker_threads';
import { stopWorker } from '../worker-stop.ts';
import type { FileJob, FromFileWorker, ToFileWorker } from './session-file-protocol.ts';

// From source (npm run serve, tests) the worker is the .ts file; in the Electron build it is the
// bundle next to main.js.
const WORKER_ENTRY = import.meta.url.endsWith('.ts')
  ? './session-file-worker.ts'
  : './session-file-worker.js';

/**
 * Runs an import or an export in a worker thread of its own, so that no parse or serialisation
 * of a session file ever runs on the forwarding thread. Export pieces are handed to `piece` one at
 * a time (the next is made once it resolves, so a slow destination holds the worker, not memory).
 * Resolves with the number of records; rejects with the worker's error, in its words.
 */
export function runFileJob(job: FileJob, piece?: (text: string) => Promise<void> | void): Promise<number> {
  const worker = new Worker(new URL(WORKER_ENTRY, import.meta.url), { workerData: job });
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      finish();
      // Done, it exits on its own once its files are closed; one given up on (its destination
      // failed) waits idle for a `more` that never comes, and is terminated after the grace time.
      void stopWorker(worker);
    };
    worker.on('message', (message: FromFileWorker) => {
      if (message.type === 'done') settle(() => resolve(message.count));
      else if (message.type === 'failed') settle(() => reject(new Error(message.message)));
      else
        void Promise.resolve(piece?.(message.text)).then(
          () => worker.postMessage({ type: 'more' } satisfies ToFileWorker),
          (error: unknown) => settle(() => reject(error)),
        );
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`the session file worker stopped (exit code ${code})`))),
    );
  });
}
