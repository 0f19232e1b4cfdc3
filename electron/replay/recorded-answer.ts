import type { ServerResponse } from 'node:http';
import type { ReplayFault } from '../../shared/contract/inspector-contract.ts';
import type { HeaderMap } from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { ProxyAnswer, ResponseTap } from '../proxy/proxy-responder.ts';
import { dropUsageEvents, dropUsageFromBody, errorEvent } from './fault-events.ts';
import { replayHeaders } from './replay-headers.ts';
import { streamEvents, type TimedPiece } from './stream-events.ts';
import { waitUntil } from './wait-until.ts';

/** What a replayed response sends and when (recorded ms since the request started). */
interface Plan {
  status: number;
  headers: HeaderMap;
  headersAt: number;
  pieces: TimedPiece[];
  /** A binary body (base64 in the record): its bytes, sent instead of the one piece's text. */
  binary: Buffer | null;
  endAt: number;
  /** Set when a fault cuts the connection at the end instead of ending the response. */
  cut: string | null;
}

/**
 * A recorded response played back: the recorded status and headers at the recorded time, then
 * each chunk at its recorded offset, all scaled by 1/speed and scheduled against the start (so
 * timer error never accumulates), with the replay's faults applied. Without event faults, the
 * recorded chunks go out as they were captured: the client gets the recorded bytes exactly.
 */
export function recordedAnswer(
  record: ExchangeRecord,
  speed: number,
  faults: readonly ReplayFault[],
): ProxyAnswer {
  const plan = planOf(record, faults);
  const delay = faults.reduce((sum, f) => (f.kind === 'delay-first-byte' ? sum + f.ms : sum), 0);
  // The promise goes to the caller's guard (`guardedAnswer`): a failure must never go unhandled.
  return { send: (res, tap) => play(plan, res, tap, speed, delay) };
}

function planOf(record: ExchangeRecord, faults: readonly ReplayFault[]): Plan {
  const response = record.response;
  if (!response || record.status === null) throw new Error(`recording ${record.id} has no response`);
  const has = (kind: ReplayFault['kind']) => faults.some((f) => f.kind === kind);
  const cutAfter = faults.find((f) => f.kind === 'cut-after')?.events ?? null;
  const headersAt = Math.max(0, record.timings.headersMs ?? 0);
  const contentType = String(response.headers['content-type'] ?? '');
  const format = contentType.includes('ndjson') ? 'ndjson' : 'sse';
  let pieces: TimedPiece[];
  let cut: string | null = null;
  let bodyBytes: number | null = null;
  let binary: Buffer | null = null;
  if (record.chunks.length > 0) {
    const eventFaults = has('drop-usage') || has('error-mid-stream') || cutAfter !== null;
    pieces = eventFaults
      ? streamEvents(record.chunks, format)
      : record.chunks.map((c) => ({ t: c.t, data: c.data }));
    if (has('drop-usage') && format === 'sse') pieces = dropUsageEvents(pieces);
    if (has('error-mid-stream') && pieces.length > 0) {
      const keep = Math.max(1, Math.floor(pieces.length / 2));
      const at = (pieces[keep] ?? (pieces[keep - 1] as TimedPiece)).t;
      pieces = [...pieces.slice(0, keep), { t: at, data: errorEvent(record.api, format, keep) }];
    }
    if (cutAfter !== null) {
      pieces = pieces.slice(0, cutAfter);
      cut = `Tokentap replay fault cut-after=${cutAfter}: the connection was cut after ${pieces.length} event${pieces.length === 1 ? '' : 's'}`;
    }
  } else {
    const body = has('drop-usage') ? dropUsageFromBody(response.body) : response.body;
    const endAt = Math.max(headersAt, record.timings.totalMs ?? 0);
    pieces = body === '' ? [] : [{ t: endAt, data: body }];
    bodyBytes = Buffer.byteLength(body);
    if (response.encoding === 'base64') {
      binary = Buffer.from(body, 'base64');
      bodyBytes = binary.byteLength;
    }
    if (cutAfter === 0) {
      pieces = [];
      cut = 'Tokentap replay fault cut-after=0: the connection was cut after the response headers';
    }
  }
  const lastT = pieces.at(-1)?.t ?? 0;
  return {
    status: record.status,
    headers: replayHeaders(response.headers, record.id, bodyBytes),
    headersAt,
    pieces,
    binary,
    endAt: cut ? lastT : Math.max(headersAt, lastT, record.timings.totalMs ?? 0),
    cut,
  };
}

async function play(
  plan: Plan,
  res: ServerResponse,
  tap: ResponseTap,
  speed: number,
  delayMs: number,
): Promise<void> {
  const start = performance.now();
  const scale = speed === 0 ? 0 : 1 / speed;
  const due = (t: number) => start + delayMs + t * scale;
  let over = false;
  let clientGone = false;
  res.once('close', () => {
    if (!over) clientGone = true;
  });
  const abandoned = (): boolean => {
    if (!clientGone) return false;
    over = true;
    tap.error('client-aborted', 'The client closed the connection before the replayed response ended.');
    return true;
  };
  const wait = async (t: number) => {
    const pending = waitUntil(due(t));
    if (pending) await pending;
  };

  await wait(plan.headersAt);
  if (abandoned()) return;
  // Not corked: on Node 24, ending a corked response that flushed its headers loses the body.
  res.writeHead(plan.status, plan.headers);
  res.flushHeaders();
  tap.head(plan.status, plan.headers);
  for (const piece of plan.pieces) {
    await wait(piece.t);
    if (abandoned()) return;
    const data = plan.binary ?? Buffer.from(piece.data, 'utf8');
    const flowing = res.write(data);
    tap.data(data);
    if (!flowing) await drained(res);
  }
  await wait(plan.endAt);
  if (abandoned()) return;
  over = true;
  if (plan.cut) {
    // Let the last bytes leave before the reset, so the client sees them and then the failure.
    setTimeout(() => res.destroy(), 5);
    tap.error('upstream-reset', plan.cut);
    return;
  }
  res.end();
  tap.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
