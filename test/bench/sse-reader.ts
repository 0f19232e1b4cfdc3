/**
 * Reads one benchmark SSE stream as it arrives: splits it into events, parses each one on its
 * own, and checks that the `bench_seq` numbers arrive complete and in order. A frame "merged"
 * into another shows up as an event that does not parse, or carries two `data:` lines.
 */
export class SseFrameReader {
  /** Arrival minus the upstream's send timestamp, per event, in ms. */
  readonly latencies: number[] = [];
  events = 0;
  malformed = 0;
  outOfOrder = 0;
  /** Network reads that carried more than one event (the proxy or TCP coalesced writes). */
  multiEventReads = 0;
  reads = 0;
  done = false;
  #expected = 0;
  #buffer = '';

  push(chunk: Buffer, arrivedAt: number): void {
    this.reads++;
    this.#buffer += chunk.toString('latin1');
    let inThisRead = 0;
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end === -1) break;
      const event = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      inThisRead++;
      this.#event(event, arrivedAt);
    }
    if (inThisRead > 1) this.multiEventReads++;
  }

  #event(event: string, arrivedAt: number): void {
    if (event === 'data: [DONE]') {
      this.done = true;
      return;
    }
    if (!event.startsWith('data: ') || event.indexOf('data:', 6) !== -1) {
      this.malformed++;
      return;
    }
    let parsed: { bench_seq?: unknown; bench_ts?: unknown };
    try {
      parsed = JSON.parse(event.slice(6)) as typeof parsed;
    } catch {
      this.malformed++;
      return;
    }
    if (typeof parsed.bench_seq !== 'number' || typeof parsed.bench_ts !== 'number') {
      this.malformed++;
      return;
    }
    if (parsed.bench_seq !== this.#expected) this.outOfOrder++;
    this.#expected = parsed.bench_seq + 1;
    this.events++;
    this.latencies.push(arrivedAt - parsed.bench_ts);
  }

  /** Bytes left over that never formed a complete event. */
  get leftover(): number {
    return this.#buffer.length;
  }
}
