/**
 * One clock for every process of the benchmark: CLOCK_MONOTONIC through process.hrtime, in
 * milliseconds. Unlike performance.now() (relative to each process's own start) it is the same
 * clock in the upstream, proxy and client processes, so a timestamp written by the upstream can
 * be subtracted from an arrival time measured by the client.
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
