import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { redactQuery } from '../../shared/security/redact-query.ts';

/** Whether a record is a captured WebSocket session (an upstream `101` with its messages). */
export function isWebSocketRecording(record: ExchangeRecord): boolean {
  return record.status === 101 && record.websocket !== undefined;
}

/**
 * Finds the recorded WebSocket session that answers an upgrade: same path and query (compared with
 * secret query values redacted, as the HTTP matcher does). Sessions of one path answer in recorded
 * order (by `seq`), one each, starting over after the last, like identical HTTP requests.
 */
export class WebSocketRecordings {
  readonly #queues = new Map<string, { records: ExchangeRecord[]; next: number }>();
  readonly #all: ExchangeRecord[];

  constructor(records: readonly ExchangeRecord[]) {
    this.#all = records.filter(isWebSocketRecording).sort((a, b) => a.seq - b.seq);
    for (const record of this.#all) {
      const key = redactQuery(record.path);
      const queue = this.#queues.get(key);
      if (queue) queue.records.push(record);
      else this.#queues.set(key, { records: [record], next: 0 });
    }
  }

  /** Recorded sessions that can answer. */
  get size(): number {
    return this.#all.length;
  }

  /** The session for an upgrade to `path` (path and query as sent), advancing its queue; null when none. */
  take(path: string): ExchangeRecord | null {
    const queue = this.#queues.get(redactQuery(path));
    if (!queue) return null;
    const record = queue.records[queue.next] as ExchangeRecord;
    queue.next = (queue.next + 1) % queue.records.length;
    return record;
  }

  /** The recorded WebSocket paths, for a miss's message. */
  paths(limit = 3): string[] {
    return [...this.#queues.keys()].slice(0, limit);
  }
}
