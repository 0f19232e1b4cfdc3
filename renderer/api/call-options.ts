import type { InspectorApi } from '../../shared/contract/inspector-contract.ts';

/** Progress of a long call: bytes moved so far and, when known, in all. */
export interface TransferProgress {
  loaded: number;
  total: number | null;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
}

/** A transport that can cancel its calls and report their progress (the browser client can; IPC cannot). */
export interface CancellableApi {
  withOptions(options: CallOptions): InspectorApi;
}

function isCancellable(api: InspectorApi): api is InspectorApi & CancellableApi {
  return typeof (api as Partial<CancellableApi>).withOptions === 'function';
}

/** Rejects with an AbortError as soon as the signal fires, whether or not the work itself can stop. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The error a cancelled call rejects with. */
export function abortError(): Error {
  return new DOMException('The operation was cancelled.', 'AbortError');
}

/** True for the rejection of a cancelled call. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The api with the given signal and progress callback: passed to the transport when it can use them,
 * otherwise the caller just stops waiting when cancelled (the result, when it comes, is dropped).
 */
export function withCallOptions(api: InspectorApi, options: CallOptions): InspectorApi {
  if (isCancellable(api)) return api.withOptions(options);
  return api;
}
