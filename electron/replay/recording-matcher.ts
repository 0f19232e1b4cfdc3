import { isAborted } from '../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { redactQuery } from '../../shared/security/redact-query.ts';
import { differingFields, type NormalisedBody, normaliseBody } from './normalised-body.ts';

interface Recording {
  record: ExchangeRecord;
  body: NormalisedBody;
}

interface KeyQueue {
  recordings: Recording[];
  /** Index of the recording that answers the next identical request. */
  next: number;
}

/**
 * Finds the recording that answers a request: same method, same path and query, same normalised
 * body. Identical requests are answered in recorded order (by `seq`), one recording each; after
 * the last one the queue starts over, so a recorded script can be run again without restarting
 * the replay. Only recordings with a response can answer (an unreachable upstream, or a client
 * that left before the response, left nothing to replay).
 */
export class RecordingMatcher {
  readonly #queues = new Map<string, KeyQueue>();
  readonly #all: Recording[] = [];
  readonly #ignored: ReadonlySet<string>;

  constructor(records: readonly ExchangeRecord[], ignoredFields: readonly string[]) {
    this.#ignored = new Set(ignoredFields);
    const replayable = records
      // A WebSocket session answers upgrades only (websocket-recordings.ts), never a plain request.
      .filter((r) => r.response !== null && r.status !== null && !isAborted(r) && r.websocket === undefined)
      .sort((a, b) => a.seq - b.seq);
    for (const record of replayable) {
      const recording = { record, body: normaliseBody(record.request.body, this.#ignored) };
      this.#all.push(recording);
      const key = matchKey(record.method, record.path, recording.body.key);
      const queue = this.#queues.get(key);
      if (queue) queue.recordings.push(recording);
      else this.#queues.set(key, { recordings: [recording], next: 0 });
    }
  }

  /** Recordings that can answer. */
  get size(): number {
    return this.#all.length;
  }

  /** The recording for this request, advancing its queue; null when none matches. */
  take(method: string, path: string, body: string): ExchangeRecord | null {
    const queue = this.#queues.get(matchKey(method, path, normaliseBody(body, this.#ignored).key));
    if (!queue) return null;
    const recording = queue.recordings[queue.next] as Recording;
    queue.next = (queue.next + 1) % queue.recordings.length;
    return recording.record;
  }

  /** The recording `take` would give, without advancing (a fault answered instead of it). */
  peek(method: string, path: string, body: string): ExchangeRecord | null {
    const queue = this.#queues.get(matchKey(method, path, normaliseBody(body, this.#ignored).key));
    return queue ? (queue.recordings[queue.next] as Recording).record : null;
  }

  /**
   * The closest recordings to a request nothing matched, in words, best first: same method and
   * path ranked by how many top-level body fields differ, then the same path with another method;
   * when the path was never recorded, the recorded routes.
   */
  closest(method: string, path: string, body: string, limit = 3): string[] {
    const wanted = normaliseBody(body, this.#ignored);
    const upper = method.toUpperCase();
    const redacted = redactQuery(path);
    const samePath = this.#all.filter((r) => r.record.path === redacted);
    const ranked = samePath
      .filter((r) => r.record.method.toUpperCase() === upper)
      .map((r) => {
        const fields = differingFields(wanted, r.body);
        return { r, distance: fields ? fields.length : 1, fields };
      })
      .sort((a, b) => a.distance - b.distance || a.r.record.seq - b.r.record.seq);
    const out = ranked
      .slice(0, limit)
      .map(
        ({ r, fields }) =>
          `#${r.record.seq} ${r.record.method} ${r.record.path} (${fields ? `differs in: ${fields.join(', ') || 'nothing'}` : 'body differs'})`,
      );
    for (const r of samePath) {
      if (out.length >= limit) break;
      if (r.record.method.toUpperCase() !== upper)
        out.push(`#${r.record.seq} ${r.record.method} ${r.record.path} (method differs)`);
    }
    if (out.length > 0) return out;
    const routes = [...new Set(this.#all.map((r) => `${r.record.method} ${r.record.path}`))];
    return routes.slice(0, limit).map((route) => `${route} (path differs)`);
  }
}

// Recordings hold paths with secret query values redacted; a live request is compared the same way.
function matchKey(method: string, path: string, body: string): string {
  return `${method.toUpperCase()} ${redactQuery(path)}\n${body}`;
}
