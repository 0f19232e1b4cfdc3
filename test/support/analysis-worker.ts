/**
 * The real analysis worker started on its own, for tests that talk its protocol directly
 * (analysis-protocol.ts) without a proxy in front: its default analyzers, no capture limits.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { AnalysisWorkerData } from '../../electron/capture/analysis-protocol.ts';

const SOURCE_ENTRY = new URL('../../electron/capture/analysis-worker.ts', import.meta.url);

/** Starts the worker from `entry` (the source by default, or a built bundle). */
export function startAnalysisWorker(entry: URL | string = SOURCE_ENTRY): Worker {
  const workerData: AnalysisWorkerData = {
    limits: undefined,
    analyzersModule: null,
    released: new SharedArrayBuffer(4),
  };
  return new Worker(entry, { workerData });
}

/** Terminates the worker and waits until it has exited. */
export async function stopAnalysisWorker(worker: Worker): Promise<void> {
  const exited = once(worker, 'exit');
  await worker.terminate();
  await exited;
}
