import type { ExchangeRecord, RecordedChunk } from '../../shared/exchange/exchange-record.ts';
import { createInterpreter } from '../../shared/interpreters/llm-interpreter.ts';
import type { WireEvent } from '../../shared/interpreters/llm-response.ts';
import type { MergedResult } from '../../shared/interpreters/merged-result.ts';
import { createRealtimeInterpreter } from '../../shared/interpreters/realtime-interpreter.ts';
import { createResponsesWebSocketInterpreter } from '../../shared/interpreters/responses-websocket-interpreter.ts';
import type { WebSocketInterpreter } from '../../shared/interpreters/websocket-interpreter.ts';
import { createWireDecoder } from '../../shared/wire/create-wire-decoder.ts';

/** One decoded wire event at its arrival time, with the merged result as it stood after it. */
export interface PlaybackFrame {
  /** ms since the exchange started (the chunk's arrival time, or an even pace). */
  t: number;
  /** Index of the network chunk that completed the event. */
  chunk: number;
  event: WireEvent;
  /** The event carried model output (text, refusal, reasoning, a tool call). */
  output: boolean;
  merged: MergedResult;
}

export interface PlaybackTimeline {
  frames: PlaybackFrame[];
  /** Arrival times of the network chunks (paced), for the gap chart. */
  chunkTimes: number[];
  durationMs: number;
  /** `recorded`: the chunks' own times; `even`: no usable times, spread evenly. */
  pacing: 'recorded' | 'even';
  /** False when the exchange had no stream to play back (the final result is shown at once). */
  streamed: boolean;
  final: MergedResult | null;
  /** `websocket`: one frame per WebSocket message (`chunk` is its index in the record's messages). */
  unit?: 'websocket';
}

/** The pace used when a record has no chunk timings (imported HAR): one chunk every so many ms. */
export const EVEN_PACE_MS = 40;

function headerValue(headers: Record<string, string | string[]> | undefined, name: string): string | null {
  if (!headers) return null;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? (value[0] ?? null) : value;
  }
  return null;
}

/**
 * Rebuilds a stream as the client saw it, event by event, by running the recorded chunks through the
 * same wire decoder and interpreter the capture used. Works for every API the interpreters know.
 */
export function buildTimeline(record: ExchangeRecord): PlaybackTimeline {
  if (record.websocket) return websocketTimeline(record);
  const interpreter = createInterpreter(record.api);
  const contentType = headerValue(record.response?.headers, 'content-type');
  let chunks: RecordedChunk[] = record.chunks;
  // An imported HAR may carry the stream's text without its chunks: play its events back evenly.
  if (chunks.length === 0 && record.stream && record.response && record.response.body !== '') {
    chunks = [{ t: 0, data: record.response.body }];
  }
  if (interpreter === null || chunks.length === 0) {
    return {
      frames: [],
      chunkTimes: [],
      durationMs: 0,
      pacing: 'even',
      streamed: false,
      final: record.merged,
    };
  }
  const decoder = createWireDecoder(record.api, contentType);
  const encoder = new TextEncoder();
  const raw: { chunk: number; event: WireEvent; output: boolean; merged: MergedResult }[] = [];
  const push = (events: WireEvent[], chunk: number) => {
    for (const event of events) {
      const output = interpreter.pushEvent(event);
      raw.push({ chunk, event, output, merged: interpreter.snapshot().merged });
    }
  };
  chunks.forEach((c, i) => {
    push(decoder.push(encoder.encode(c.data)), i);
  });
  push(decoder.end(), chunks.length - 1);

  const times = chunks.map((c) => c.t);
  const recorded = chunks.length > 1 && times.some((t, i) => i > 0 && t !== times[0]);
  let chunkTimes: number[];
  let frames: PlaybackFrame[];
  if (recorded) {
    chunkTimes = times;
    frames = raw.map((f) => ({ ...f, t: times[f.chunk] ?? 0 }));
  } else {
    // No usable timings: one step per event, so a single-chunk body still plays token by token.
    chunkTimes = raw.map((_, i) => i * EVEN_PACE_MS);
    frames = raw.map((f, i) => ({ ...f, t: i * EVEN_PACE_MS }));
  }
  const last = frames[frames.length - 1];
  return {
    frames,
    chunkTimes,
    durationMs: last ? last.t : 0,
    pacing: recorded ? 'recorded' : 'even',
    streamed: true,
    final: last ? last.merged : record.merged,
  };
}

/** Index of the last frame at or before `t` (binary search), or -1 before the first. */
export function frameAt(frames: readonly PlaybackFrame[], t: number): number {
  let lo = 0;
  let hi = frames.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const frame = frames[mid] as PlaybackFrame;
    if (frame.t <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export interface GapBar {
  /** Arrival time of the chunk that ended the gap. */
  t: number;
  gapMs: number;
  stall: boolean;
}

/** Gaps between consecutive chunks; a stall is a gap well above the stream's usual pace. */
export function chunkGaps(chunkTimes: readonly number[]): {
  bars: GapBar[];
  medianMs: number;
  stallMs: number;
} {
  const gaps: number[] = [];
  for (let i = 1; i < chunkTimes.length; i++) gaps.push((chunkTimes[i] ?? 0) - (chunkTimes[i - 1] ?? 0));
  const sorted = [...gaps].sort((a, b) => a - b);
  const medianMs = sorted.length ? (sorted[Math.floor(sorted.length / 2)] ?? 0) : 0;
  // A pause users notice: at least 250 ms and five times the usual gap.
  const stallMs = Math.max(250, medianMs * 5);
  const bars = gaps.map((gapMs, i) => ({ t: chunkTimes[i + 1] ?? 0, gapMs, stall: gapMs >= stallMs }));
  return { bars, medianMs, stallMs };
}

/** The interpreter of a WebSocket protocol the capture recognised (`record.api`), or null for other traffic. */
function websocketInterpreter(record: ExchangeRecord): WebSocketInterpreter | null {
  if (record.api === 'openai.realtime' || record.api === 'azure.realtime')
    return createRealtimeInterpreter(record.model);
  if (record.api === 'openai.responses' || record.api === 'azure.responses')
    return createResponsesWebSocketInterpreter();
  return null;
}

const NO_TEXT: MergedResult = { text: '', refusal: null, reasoning: null, toolCalls: [], finishReason: null };

/**
 * A WebSocket session as it happened, message by message at the recorded arrival times, with
 * the merged result as it stood after each (the capture's own interpreter, for the protocols it
 * knows; other sessions play their messages only).
 */
function websocketTimeline(record: ExchangeRecord): PlaybackTimeline {
  const messages = record.websocket?.messages ?? [];
  const interpreter = websocketInterpreter(record);
  let merged = NO_TEXT;
  const frames: PlaybackFrame[] = messages.map((message, i) => {
    const text = message.encoding === 'base64' || message.truncated ? null : message.data;
    const output = interpreter !== null && text !== null && interpreter.push(message.from, text);
    if (interpreter !== null && text !== null) merged = interpreter.snapshot().merged;
    return { t: message.t, chunk: i, event: { event: message.from, data: message.data }, output, merged };
  });
  const last = frames.at(-1);
  return {
    frames,
    chunkTimes: messages.map((m) => m.t),
    // The close is the session's last moment, so playback ends on it.
    durationMs: Math.max(last ? last.t : 0, record.websocket?.close?.t ?? 0),
    pacing: 'recorded',
    streamed: messages.length > 0,
    final: interpreter === null ? null : (last?.merged ?? record.merged),
    unit: 'websocket',
  };
}
