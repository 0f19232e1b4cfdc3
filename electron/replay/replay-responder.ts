import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ReplayFault, ReplayStatus } from '../../shared/contract/inspector-contract.ts';
import { REPLAY_HEADER, REPLAY_MISS, REPLAY_MISS_ERROR } from '../../shared/contract/tokentap-headers.ts';
import type { CaptureSink, HeaderMap } from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { detectApi } from '../../shared/interpreters/api-detect.ts';
import { redactQuery } from '../../shared/security/redact-query.ts';
import { openAiErrorBody } from '../proxy/openai-error.ts';
import type {
  BufferedRequest,
  ProxyAnswer,
  ProxyResponder,
  ResponseTap,
  UpgradeCapture,
} from '../proxy/proxy-responder.ts';
import { responseTap } from '../proxy/proxy-responder.ts';
import { captureUpgradeStart } from '../proxy/websocket-relay.ts';
import { type AnswerFailureLog, failAnswer, guardedAnswer } from './answer-failure.ts';
import { rateLimitBody } from './fault-events.ts';
import { DEFAULT_IGNORED_FIELDS } from './normalised-body.ts';
import { recordedAnswer } from './recorded-answer.ts';
import { replayWebSocket } from './recorded-websocket.ts';
import { fullRecording } from './recording-loader.ts';
import { RecordingMatcher } from './recording-matcher.ts';
import { WebSocketRecordings } from './websocket-recordings.ts';

type RateLimitFault = Extract<ReplayFault, { kind: 'rate-limit' }>;

/** The most request body a replay reads to match it (the capture's own request cap: no recording holds more). */
export const REPLAY_BODY_LIMIT = 16 * 1024 * 1024;

export interface ReplayOptions {
  /** The session id or file name, for the status. */
  source: string;
  /** Recorded pace times this factor; 0: as fast as possible. */
  speed: number;
  fallthrough: boolean;
  faults: readonly ReplayFault[];
  /** Top-level body fields ignored when matching (default `DEFAULT_IGNORED_FIELDS`). */
  ignoredFields?: readonly string[] | null | undefined;
  /** Request bodies past this many bytes get a 413 (default `REPLAY_BODY_LIMIT`). */
  maxBodyBytes?: number | undefined;
  /** Told about every miss, in words (the command line prints them). */
  onMiss?: ((message: string) => void) | undefined;
  /** Told after every request served or missed (the UI's replay banner shows the counts live). */
  onCount?: (() => void) | undefined;
  /** Told about every answer that failed (a recording Node cannot write); default: stderr. */
  onError?: AnswerFailureLog | undefined;
}

/**
 * Replay mode's responder: answers each request from the matching recording, with the replay's
 * faults; a miss answers an OpenAI-shaped 404 naming the closest recordings, or, with
 * `fallthrough`, goes to the upstream. Every answer carries `x-tokentap-replay`, and is captured
 * like forwarded traffic (the capture lifts the header into the record's `replayOf`).
 */
export class ReplayResponder implements ProxyResponder {
  readonly #matcher: RecordingMatcher;
  readonly #websockets: WebSocketRecordings;
  readonly #options: ReplayOptions;
  readonly #ignored: readonly string[];
  readonly maxBodyBytes: number;
  #served = 0;
  #misses = 0;

  constructor(records: readonly ExchangeRecord[], options: ReplayOptions) {
    if (!Number.isFinite(options.speed) || options.speed < 0)
      throw new Error(
        `replay speed must be 0 (as fast as possible) or a positive number, got ${options.speed}`,
      );
    this.#options = options;
    this.maxBodyBytes = options.maxBodyBytes ?? REPLAY_BODY_LIMIT;
    this.#ignored = options.ignoredFields ?? DEFAULT_IGNORED_FIELDS;
    this.#matcher = new RecordingMatcher(records, this.#ignored);
    this.#websockets = new WebSocketRecordings(records);
  }

  /**
   * A WebSocket upgrade: a recorded session of the same path and query plays back (see
   * recorded-websocket.ts); a miss answers the same 404 as over HTTP, or, with `fallthrough`,
   * is relayed upstream (false).
   */
  answerUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, capture: UpgradeCapture): boolean {
    const path = req.url ?? '/';
    const record = this.#websockets.take(path);
    if (record) {
      this.#served++;
      this.#options.onCount?.();
      const log = this.#options.onError ?? ((message: string) => console.warn(`[tokentap] ${message}`));
      try {
        replayWebSocket(record, req, socket, head, capture, {
          speed: this.#options.speed,
          ignored: new Set(this.#ignored),
          log: (message) => {
            this.#options.onMiss?.(message);
            log(message);
          },
        });
      } catch (error) {
        // A recording that cannot be played: a clean 500 for this client, the process goes on.
        const message = `Tokentap replay could not answer from recording ${record.id}: ${(error as Error).message}`;
        log(message);
        answerSocket(
          socket,
          500,
          'Internal Server Error',
          openAiErrorBody(message, 'proxy_error', 'replay_failed'),
          {},
        );
      }
      return true;
    }
    this.#misses++;
    this.#options.onCount?.();
    const paths = this.#websockets.paths();
    const message = `Tokentap replay: no recording matched WebSocket GET ${redactQuery(path)}${
      paths.length
        ? `; recorded WebSocket sessions: ${paths.map((p) => `GET ${p}`).join('; ')}`
        : '; the replayed session has no WebSocket recordings'
    }`;
    this.#options.onMiss?.(message);
    if (this.#options.fallthrough) return false;
    const body = openAiErrorBody(message, REPLAY_MISS_ERROR.type, REPLAY_MISS_ERROR.code);
    const headers = { [REPLAY_HEADER]: REPLAY_MISS };
    captureMiss(capture.sink, req, capture, body, headers);
    answerSocket(socket, 404, 'Not Found', body, headers);
    return true;
  }

  answerFor(request: BufferedRequest): ProxyAnswer | null {
    const { method, path } = request;
    const body = request.body.toString('utf8');
    const rateLimit = this.#options.faults.find((f) => f.kind === 'rate-limit');
    // A 429 answers instead of the recording, so the recording stays next in line for the retry.
    const record = rateLimit
      ? this.#matcher.peek(method, path, body)
      : this.#matcher.take(method, path, body);
    if (record) {
      this.#served++;
      this.#options.onCount?.();
      return guardedAnswer(this.#recordingAnswer(record, rateLimit), record.id, this.#options.onError);
    }
    this.#misses++;
    this.#options.onCount?.();
    const closest = this.#matcher.closest(method, path, body);
    const message = `Tokentap replay: no recording matched ${method} ${path}${
      closest.length ? `; closest: ${closest.join('; ')}` : '; the replayed session has no recordings'
    }`;
    this.#options.onMiss?.(message);
    if (this.#options.fallthrough) return null;
    const text =
      detectApi(method, path) === 'anthropic.messages'
        ? JSON.stringify({ type: 'error', error: { type: 'not_found_error', message } })
        : openAiErrorBody(message, REPLAY_MISS_ERROR.type, REPLAY_MISS_ERROR.code);
    return jsonAnswer(404, text, { [REPLAY_HEADER]: REPLAY_MISS });
  }

  /** The answer from a recording; one that cannot be played answers a clean error instead. */
  #recordingAnswer(record: ExchangeRecord, rateLimit: RateLimitFault | undefined): ProxyAnswer {
    try {
      if (rateLimit) {
        const text = rateLimitBody(record.api, rateLimit.retryAfterSeconds);
        return jsonAnswer(429, text, {
          'retry-after': String(rateLimit.retryAfterSeconds),
          [REPLAY_HEADER]: record.id,
        });
      }
      return this.#answerFrom(record);
    } catch (error) {
      return { send: (res, tap) => failAnswer(res, tap, record.id, error, this.#options.onError) };
    }
  }

  /** The recorded answer; a light recording is read back from disk first (see recording-loader.ts). */
  #answerFrom(record: ExchangeRecord): ProxyAnswer {
    const { speed, faults } = this.#options;
    const full = fullRecording(record);
    if (!(full instanceof Promise)) return recordedAnswer(full, speed, faults);
    return {
      send: (res, tap) =>
        void full
          .then((loaded) => recordedAnswer(loaded, speed, faults).send(res, tap))
          // Never an unhandled rejection: a recording that cannot be read (or played) answers 500.
          .catch((error: unknown) => failAnswer(res, tap, record.id, error, this.#options.onError)),
    };
  }

  /** What is being replayed, and how it has gone so far. */
  status(): ReplayStatus {
    const o = this.#options;
    return {
      source: o.source,
      recordings: this.#matcher.size + this.#websockets.size,
      speed: o.speed,
      fallthrough: o.fallthrough,
      faults: [...o.faults],
      ignoredFields: [...this.#ignored],
      served: this.#served,
      misses: this.#misses,
    };
  }
}

function jsonAnswer(status: number, body: string, extra: HeaderMap): ProxyAnswer {
  return {
    send(res: ServerResponse, tap: ResponseTap) {
      const data = Buffer.from(body);
      const headers: HeaderMap = {
        'content-type': 'application/json',
        'content-length': String(data.length),
        ...extra,
      };
      res.writeHead(status, headers);
      res.end(data);
      tap.head(status, headers);
      tap.data(data);
      tap.end();
    },
  };
}

/** Answers an upgrade request on its raw socket with a JSON body, and closes it. */
function answerSocket(socket: Socket, status: number, reason: string, body: string, extra: HeaderMap): void {
  if (socket.destroyed) return;
  socket.on('error', () => socket.destroy());
  const lines = [`HTTP/1.1 ${status} ${reason}`, 'content-type: application/json'];
  for (const [name, value] of Object.entries(extra)) lines.push(`${name}: ${String(value)}`);
  lines.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close', '', body);
  socket.end(lines.join('\r\n'));
}

/** A missed upgrade is captured like a missed request: the handshake and its 404. */
function captureMiss(
  sink: CaptureSink,
  req: IncomingMessage,
  capture: UpgradeCapture,
  body: string,
  extra: HeaderMap,
): void {
  const id = randomUUID();
  const t0 = performance.now();
  captureUpgradeStart(sink, id, req, [], capture.route);
  const tap = responseTap(sink, id, t0);
  const data = Buffer.from(body);
  tap.head(404, { 'content-type': 'application/json', 'content-length': String(data.length), ...extra });
  tap.data(data);
  tap.end();
}
