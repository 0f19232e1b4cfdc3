import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { REPLAY_HEADER } from '../../shared/contract/tokentap-headers.ts';
import type { CaptureSink, HeaderMap, WebSocketSide } from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { WebSocketClose, WebSocketMessage } from '../../shared/exchange/websocket-record.ts';
import type { UpgradeCapture } from '../proxy/proxy-responder.ts';
import { offeredProtocols } from '../proxy/websocket-handshake.ts';
import { captureClose, captureUpgradeStart, sendableCloseCode } from '../proxy/websocket-relay.ts';
import { normaliseBody } from './normalised-body.ts';
import { waitUntil } from './wait-until.ts';

/** The close code a replay sends when the client's first message is not the recorded one. */
export const REPLAY_MISMATCH_CLOSE = 1008;

export interface WebSocketReplayOptions {
  /** Recorded pace times this factor; 0: as fast as possible. */
  speed: number;
  /** Top-level JSON fields ignored when comparing the client's first message. */
  ignored: ReadonlySet<string>;
  /** Told, in words, when the client's first message is not the recorded one, and about failures. */
  log: (message: string) => void;
}

/** Server messages sent after one trigger: the accepted socket, or one client message. */
interface Segment {
  /** Recorded time of the trigger (ms since the exchange started). */
  anchorT: number;
  messages: WebSocketMessage[];
  /** The recorded server close, in the segment it followed. */
  close: WebSocketClose | null;
}

/** A recorded session as the replay plays it. */
interface Plan {
  protocol: string | null;
  /** The recorded client messages, in order: the triggers of segments 1…n. */
  client: WebSocketMessage[];
  /** Segment 0 follows the 101; segment k follows client message k. */
  segments: Segment[];
}

/**
 * Plays a recorded WebSocket session on an upgrade: accepts it (the recorded subprotocol if the
 * client offered it), sends the server messages the recording had before any client message,
 * then, once the client's first message matches the recorded one (as JSON when both parse, else
 * as text), each later server message at its recorded offset from the client message it followed,
 * scaled by 1/speed, and the recorded close. Later client messages trigger their segments in
 * order. Captured like relayed traffic, with `x-tokentap-replay` naming the recording. Throws
 * (before taking the socket) when the recording cannot be played.
 */
export function replayWebSocket(
  record: ExchangeRecord,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  capture: UpgradeCapture,
  options: WebSocketReplayOptions,
): void {
  const plan = planOf(record);
  const id = randomUUID();
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const { sink } = capture;
  const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
  captureUpgradeStart(sink, id, req, offered, capture.route);
  const chosen = plan.protocol !== null && offered.includes(plan.protocol) ? plan.protocol : null;
  const server = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: () => chosen ?? false,
  });
  server.once('headers', (headers: string[]) => headers.push(`${REPLAY_HEADER}: ${record.id}`));
  server.once('wsClientError', (error: Error) => {
    sink.push({
      type: 'exchange-error',
      exchangeId: id,
      t: now(),
      kind: 'proxy-error',
      message: error.message,
    });
  });
  server.handleUpgrade(req, socket, head, (ws) => {
    const headers: HeaderMap = { upgrade: 'websocket', connection: 'Upgrade', [REPLAY_HEADER]: record.id };
    if (chosen !== null) headers['sec-websocket-protocol'] = chosen;
    sink.push({ type: 'response-head', exchangeId: id, t: now(), status: 101, headers });
    new ReplayedSession(plan, record, ws, sink, id, now, options).start();
  });
}

class ReplayedSession {
  readonly #plan: Plan;
  readonly #record: ExchangeRecord;
  readonly #ws: WebSocket;
  readonly #sink: CaptureSink;
  readonly #id: string;
  readonly #now: () => number;
  readonly #options: WebSocketReplayOptions;
  readonly #scale: number;
  /** Segments play one after another, so a quick client never reorders the recording. */
  #chain: Promise<void> = Promise.resolve();
  #received = 0;
  #closing: { by: WebSocketSide; code: number; reason: string } | null = null;
  #ended = false;

  constructor(
    plan: Plan,
    record: ExchangeRecord,
    ws: WebSocket,
    sink: CaptureSink,
    id: string,
    now: () => number,
    options: WebSocketReplayOptions,
  ) {
    this.#plan = plan;
    this.#record = record;
    this.#ws = ws;
    this.#sink = sink;
    this.#id = id;
    this.#now = now;
    this.#options = options;
    this.#scale = options.speed === 0 ? 0 : 1 / options.speed;
  }

  start(): void {
    const ws = this.#ws;
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData, binary: boolean) => this.#onMessage(data as Buffer, binary));
    ws.once('close', (code: number, reason: Buffer) => {
      if (this.#ended) return;
      this.#ended = true;
      const closing = this.#closing;
      if (closing) captureClose(this.#sink, this.#id, this.#now(), closing.by, closing.code, closing.reason);
      else captureClose(this.#sink, this.#id, this.#now(), 'client', code, reason.toString('utf8'));
    });
    this.#schedule(0, performance.now());
  }

  #onMessage(data: Buffer, binary: boolean): void {
    const t = this.#now();
    const arrived = performance.now();
    this.#sink.push({ type: 'websocket-message', exchangeId: this.#id, t, from: 'client', binary, data });
    const index = this.#received++;
    const recorded = this.#plan.client[index];
    // Past the recording's client messages there is nothing left to answer with.
    if (recorded === undefined || this.#closing) return;
    if (index === 0 && !sameMessage(recorded, data, binary, this.#options.ignored)) {
      const reason = 'Tokentap replay: the first message differs from the recording';
      this.#options.log(
        `${reason} ${this.#record.id} (#${this.#record.seq} ${this.#record.method} ${this.#record.path}); the WebSocket was closed`,
      );
      this.#close('server', REPLAY_MISMATCH_CLOSE, reason);
      return;
    }
    this.#schedule(index + 1, arrived);
  }

  /** Queues segment `index`, its offsets counted from `arrived` (performance.now()). */
  #schedule(index: number, arrived: number): void {
    const segment = this.#plan.segments[index];
    if (segment === undefined) return;
    this.#chain = this.#chain
      .then(() => this.#play(segment, arrived))
      .catch((error: unknown) => {
        const message = `Tokentap replay could not play recording ${this.#record.id}: ${(error as Error).message}`;
        this.#options.log(message);
        this.#close('server', 1011, 'Tokentap replay could not play the recording');
      });
  }

  async #play(segment: Segment, arrived: number): Promise<void> {
    const due = (t: number): number => arrived + Math.max(0, t - segment.anchorT) * this.#scale;
    for (const message of segment.messages) {
      const pending = waitUntil(due(message.t));
      if (pending) await pending;
      if (this.#closing || this.#ws.readyState !== WebSocket.OPEN) return;
      const binary = message.encoding === 'base64';
      const data = Buffer.from(message.data, binary ? 'base64' : 'utf8');
      this.#ws.send(data, { binary });
      this.#sink.push({
        type: 'websocket-message',
        exchangeId: this.#id,
        t: this.#now(),
        from: 'server',
        binary,
        data,
      });
    }
    const close = segment.close;
    if (close === null) return;
    const pending = waitUntil(due(close.t));
    if (pending) await pending;
    this.#close('server', close.code, close.reason);
  }

  /** Closes the socket from the replay's side, as the recording did (a dropped one is dropped). */
  #close(by: WebSocketSide, code: number, reason: string): void {
    const ws = this.#ws;
    if (this.#closing || ws.readyState !== WebSocket.OPEN) return;
    this.#closing = { by, code, reason };
    const bytes = Buffer.from(reason, 'utf8');
    if (code === 1005) ws.close();
    else if (sendableCloseCode(code)) ws.close(code, bytes.length <= 123 ? bytes : bytes.subarray(0, 123));
    else ws.terminate();
  }
}

/** The recording's WebSocket as segments; throws on a recording that does not hold one. */
function planOf(record: ExchangeRecord): Plan {
  const websocket = record.websocket;
  if (!websocket || !Array.isArray(websocket.messages))
    throw new Error(`recording ${record.id} holds no WebSocket messages`);
  const protocolHeader = record.response?.headers['sec-websocket-protocol'];
  const protocol = typeof protocolHeader === 'string' && protocolHeader !== '' ? protocolHeader : null;
  const first: Segment = { anchorT: finite(record.timings?.headersMs) ?? 0, messages: [], close: null };
  const segments = [first];
  const client: WebSocketMessage[] = [];
  let current = first;
  for (const message of websocket.messages) {
    if (
      typeof message !== 'object' ||
      message === null ||
      (message.from !== 'client' && message.from !== 'server') ||
      typeof message.data !== 'string' ||
      finite(message.t) === null
    )
      throw new Error(`recording ${record.id} has a WebSocket message that cannot be played`);
    if (message.from === 'client') {
      client.push(message);
      current = { anchorT: message.t, messages: [], close: null };
      segments.push(current);
      // A message past the capture cap kept only its size: there is nothing to send.
    } else if (message.truncated !== true) current.messages.push(message);
  }
  const close = websocket.close;
  if (close && close.by === 'server' && finite(close.code) !== null && finite(close.t) !== null)
    current.close = { ...close, reason: typeof close.reason === 'string' ? close.reason : '' };
  return { protocol, client, segments };
}

/** Whether a client message is the recorded one: as JSON when both parse, else as text (bytes for binary). */
function sameMessage(
  recorded: WebSocketMessage,
  data: Buffer,
  binary: boolean,
  ignored: ReadonlySet<string>,
): boolean {
  if (recorded.truncated === true) return true;
  if (binary || recorded.encoding === 'base64')
    return binary && recorded.encoding === 'base64' && Buffer.from(recorded.data, 'base64').equals(data);
  return normaliseBody(recorded.data, ignored).key === normaliseBody(data.toString('utf8'), ignored).key;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
