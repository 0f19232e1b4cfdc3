/**
 * What the forwarding thread and the analysis worker say to each other. Capture events cross
 * in batches: the body parts' bytes are copied into one buffer (moved, not cloned, when large),
 * and each body-part event carries its offset and length in that buffer instead of its bytes.
 */

import type { LiveUpdate } from '../../shared/contract/inspector-contract.ts';
import type {
  RequestBodyPartEvent,
  ResponseBodyPartEvent,
  WebSocketMessageEvent,
  WebSocketSide,
} from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { ThreadSeed } from '../../shared/threads/thread-seeds.ts';
import type { QueuedEvent } from './capture-queue.ts';
import type { CaptureLimits } from './exchange-assembler.ts';
import type { FinishedExchange } from './finished-exchange.ts';

type BodyPartEvent = RequestBodyPartEvent | ResponseBodyPartEvent;

/** A body part without its bytes: they are at `offset`, `length` in the batch's buffer. */
export interface PackedBodyPart {
  type: BodyPartEvent['type'];
  exchangeId: string;
  t: number;
  offset: number;
  length: number;
}

/** A WebSocket message without its bytes, like a body part. */
export interface PackedMessage {
  type: 'websocket-message';
  exchangeId: string;
  t: number;
  from: WebSocketSide;
  binary: boolean;
  offset: number;
  length: number;
}

/** A control event; `dropped` on an exchange's last event says the queue dropped some of its body. */
export type PackedControl = Exclude<QueuedEvent, BodyPartEvent | WebSocketMessageEvent> & { dropped?: true };

export type PackedEvent = PackedBodyPart | PackedMessage | PackedControl;

export interface EventBatch {
  type: 'events';
  events: PackedEvent[];
  /** The body parts' bytes, back to back (transferred when large). */
  bytes: ArrayBuffer;
}

export interface AnalysisWorkerData {
  limits: CaptureLimits | undefined;
  /** A module whose default export makes the analyzers from the limits (tests); null: the defaults. */
  analyzersModule: string | null;
  /**
   * One Int32 the worker adds the body bytes it is done with to, and the forwarding thread takes
   * them from when its budget runs short: releasing costs no message.
   */
  released: SharedArrayBuffer;
}

export type AnalysisQuery = { query: 'record'; exchangeId: string } | { query: 'idle' };

export interface AnalysisAnswers {
  record: ExchangeRecord | null;
  idle: null;
}

/** Forwarding thread → worker. */
export type ToWorker =
  | EventBatch
  | { type: 'live-updates'; on: boolean }
  /** The OpenTelemetry export's content opt-in; null: the export is off (no spans are made). */
  | { type: 'telemetry'; captureContent: boolean | null }
  /** The session file records go to from now on: none of its blocks is known written yet. */
  | { type: 'blocks-for'; session: string }
  /** These message blocks' lines reached that session's file: later records refer to them without their texts. */
  | { type: 'blocks-written'; session: string; hashes: string[] }
  /** Threads to continue from an earlier session (its latest turns' keys), before any event. */
  | { type: 'seed-threads'; seeds: ThreadSeed[] }
  | ({ type: 'query'; id: number } & AnalysisQuery)
  /** Everything is delivered: send what waits, close the port and let the thread exit on its own. */
  | { type: 'stop' };

/** Worker → forwarding thread. */
export type FromWorker =
  | { type: 'records'; exchanges: FinishedExchange[] }
  /** Summaries of exchanges in flight, one batch per frame at most (see analysis-worker.ts). */
  | { type: 'updates'; batch: LiveUpdate[] }
  | { type: 'log'; message: string }
  | { type: 'answer'; id: number; value: AnalysisAnswers[keyof AnalysisAnswers] };

/** Packs a drained batch for the worker; `dropped` holds exchanges that lost body parts (consumed here). */
export function packEvents(events: readonly QueuedEvent[], dropped: Set<string>): EventBatch {
  let total = 0;
  for (const event of events) {
    if ('data' in event) total += event.data.byteLength;
  }
  const bytes = new Uint8Array(total);
  const packed: PackedEvent[] = new Array(events.length);
  let offset = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as QueuedEvent;
    if (event.type === 'request-body-part' || event.type === 'response-body-part') {
      const { data } = event;
      bytes.set(data, offset);
      packed[i] = {
        type: event.type,
        exchangeId: event.exchangeId,
        t: event.t,
        offset,
        length: data.byteLength,
      };
      offset += data.byteLength;
    } else if (event.type === 'websocket-message') {
      const { data } = event;
      bytes.set(data, offset);
      packed[i] = {
        type: event.type,
        exchangeId: event.exchangeId,
        t: event.t,
        from: event.from,
        binary: event.binary,
        offset,
        length: data.byteLength,
      };
      offset += data.byteLength;
    } else if (
      (event.type === 'response-end' || event.type === 'exchange-error') &&
      dropped.size > 0 &&
      dropped.delete(event.exchangeId)
    ) {
      packed[i] = { ...event, dropped: true };
    } else {
      packed[i] = event;
    }
  }
  return { type: 'events', events: packed, bytes: bytes.buffer };
}

/**
 * Calls `each` with every event of a batch. Body parts are views into the batch's buffer: the
 * analysis copies what it keeps (CappedBytes) and decodes the rest to text at once.
 */
export function unpackEvents(batch: EventBatch, each: (event: QueuedEvent, dropped: boolean) => void): void {
  const { bytes } = batch;
  for (const packed of batch.events) {
    if (packed.type === 'websocket-message') {
      const { type, exchangeId, t, from, binary, offset, length } = packed;
      each({ type, exchangeId, t, from, binary, data: Buffer.from(bytes, offset, length) }, false);
    } else if ('offset' in packed) {
      const { type, exchangeId, t, offset, length } = packed;
      each({ type, exchangeId, t, data: Buffer.from(bytes, offset, length) }, false);
    } else {
      each(packed, packed.dropped === true);
    }
  }
}
