/**
 * A real HTTP upstream on 127.0.0.1:0 for the proxy tests and the benchmark. It replays recorded
 * wire text with real pacing, injects faults (reset, hang, stall, gated chunks), and records what
 * actually arrived, so tests observe the proxy from the far side of a real socket instead of
 * trusting a mock.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createGzip, gzipSync, constants as zlibConstants } from 'node:zlib';
import type { Gate } from './gate.ts';

/** One network write of a stream: `data` goes out after waiting `delayMs` (after the previous chunk). */
export interface ScriptedChunk {
  data: string | Buffer;
  delayMs: number;
}

interface ScriptHead {
  /** Default 200. */
  status?: number;
  /** Merged over the script kind's defaults (content-type); a header given here wins. */
  headers?: OutgoingHttpHeaders;
  /** Gzip the body (plain) or each chunk with a sync flush (streams) and send content-encoding: gzip. */
  gzip?: boolean;
}

/** A complete response written in one go, after an optional think time before the headers. */
export interface PlainScript extends ScriptHead {
  kind?: 'plain';
  body: string | Buffer;
  delayMs?: number;
}

/** Headers flushed at once, then each chunk written after its delay, then the end. */
export interface StreamScript extends ScriptHead {
  kind?: 'stream';
  chunks: readonly ScriptedChunk[];
}

/** Writes `afterChunks` chunks, then resets the TCP connection (RST where the platform allows). */
export interface ResetAfterScript extends ScriptHead {
  kind: 'reset-after';
  chunks: readonly ScriptedChunk[];
  afterChunks: number;
  /** Pause between the last write and the reset so the bytes reach the peer first; default 10. */
  resetDelayMs?: number;
}

/** Writes `afterChunks` chunks, then goes silent with the connection open (a stuck upstream). */
export interface StallScript extends ScriptHead {
  kind: 'stall';
  chunks: readonly ScriptedChunk[];
  afterChunks: number;
}

/** Never sends headers; holds the request until the client aborts or the upstream closes. */
export interface HangScript {
  kind: 'hang';
}

/** Headers flushed at once; each chunk waits for a `gate.release()` (delays are ignored). */
export interface GatedScript extends ScriptHead {
  kind: 'gated';
  chunks: ReadonlyArray<string | Buffer | ScriptedChunk>;
  gate: Gate;
}

/** Escape hatch: handle the raw request yourself (the recording still happens). */
export interface RawScript {
  kind: 'raw';
  handle(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): void | Promise<void>;
}

export type Script =
  | PlainScript
  | StreamScript
  | ResetAfterScript
  | StallScript
  | HangScript
  | GatedScript
  | RawScript;

/** A fixed script, or one chosen per request (called once the request body has arrived). */
export type Responder = Script | ((request: RecordedRequest) => Script | Promise<Script>);

/**
 * Which requests a route serves. A string is `'METHOD /path'`, `'/path'` (any method) or `'*'`.
 * Paths are compared without the query string; `query` entries must all be present and equal.
 */
export type RouteMatcher =
  | string
  | {
      method?: string;
      path?: string | RegExp | ((path: string) => boolean);
      query?: Record<string, string>;
    };

export interface RouteOptions {
  /** Serve only this many requests, then stop matching (later requests fall through). */
  times?: number;
}

export interface RouteHandle {
  /** Requests this route has served so far (kept only while the upstream records). */
  readonly requests: readonly RecordedRequest[];
  /** Stop matching. */
  remove(): void;
}

/** How the upstream's side of an exchange ended, with its performance.now() timestamp. */
export type RequestOutcome =
  | { kind: 'finished'; at: number }
  /** The client went away before the response was complete (what "aborting upstream" looks like). */
  | { kind: 'client-aborted'; at: number }
  /** A `reset-after` script reset the connection on purpose. */
  | { kind: 'reset'; at: number }
  /** `close()` tore the connection down. */
  | { kind: 'server-closed'; at: number };

/** Everything the upstream saw of one request and did in return. Times are performance.now(). */
export interface RecordedRequest {
  /** Arrival order, from 0, per upstream. */
  readonly seq: number;
  /** Same id = same TCP connection (to check keep-alive reuse). */
  readonly connectionId: number;
  readonly method: string;
  /** Path plus query, exactly as received. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly receivedAt: number;
  /** Body bytes received so far. */
  readonly body: Buffer;
  readonly bodyBytes: number;
  /** Times at which each body piece arrived, with its size. */
  readonly bodyArrivals: ReadonlyArray<{ at: number; bytes: number }>;
  /** Resolves with the body when the request ended, or with what arrived if the client went away. */
  readonly bodyComplete: Promise<Buffer>;
  /** True once the request body ended normally. */
  readonly bodyEnded: boolean;
  /** Resolves once at least `bytes` body bytes have arrived. */
  bodyProgress(bytes: number): Promise<void>;
  /** The body parsed as JSON. */
  json(): unknown;
  /** Status the upstream sent, if it sent headers. */
  readonly status: number | undefined;
  readonly headersSentAt: number | undefined;
  /** Payload bytes the upstream wrote, after gzip (what the proxy must pass through unchanged). */
  readonly sent: readonly Buffer[];
  readonly sentBody: Buffer;
  readonly outcome: Promise<RequestOutcome>;
  /** Resolves with the time the client aborted; never resolves if it did not. */
  readonly aborted: Promise<number>;
  readonly abortedAt: number | undefined;
}

export interface FakeUpstreamOptions {
  /** Keep every request in `requests` (default true); the benchmark turns this off to keep memory flat. */
  record?: boolean;
}

export interface FakeUpstream {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Every request so far (empty when recording is off). */
  readonly requests: readonly RecordedRequest[];
  /** Requests handled so far, recorded or not. */
  readonly requestCount: number;
  /** Serve matching requests with `responder`; the most recently added matching route wins. */
  respond(matcher: RouteMatcher, responder: Responder, opts?: RouteOptions): RouteHandle;
  /** Raw handler for `method path`, for the odd case no script covers. */
  route(method: string, path: string, handler: RawScript['handle']): RouteHandle;
  /** Resolves with the next request not yet returned by this method (queue order, past ones first). */
  nextRequest(): Promise<RecordedRequest>;
  /** Drops all routes (requests then get the 404). */
  clearRoutes(): void;
  /** Stops listening and destroys every open socket, ending hangs, stalls and gates. */
  close(): Promise<void>;
}

interface Route {
  matches(rec: Recording): boolean;
  responder: Responder;
  remaining: number;
  served: RecordedRequest[];
}

/** Starts the fake upstream on 127.0.0.1 with a free port. */
export async function startFakeUpstream(opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const record = opts.record ?? true;
  let routes: Route[] = [];
  const requests: Recording[] = [];
  const requestWaiters: Array<(rec: RecordedRequest) => void> = [];
  let handedOut = 0;
  let requestCount = 0;
  let nextConnectionId = 0;
  const connectionIds = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();
  const state = { closing: false };

  const server = createServer({
    // Benchmark clients keep connections for a long time; the default 5 s would churn sockets.
    keepAliveTimeout: 120_000,
    // Slow-body tests trickle requests on purpose; Node's 300 s request timeout must not interfere.
    requestTimeout: 0,
    noDelay: true,
  });

  server.on('connection', (socket: Socket) => {
    connectionIds.set(socket, nextConnectionId++);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const rec = new Recording(requestCount++, connectionIds.get(req.socket) ?? -1, req, res, state);
    if (record) {
      requests.push(rec);
      const waiter = requestWaiters.shift();
      if (waiter) {
        handedOut += 1;
        waiter(rec);
      }
    }
    const route = routes.find((r) => r.remaining > 0 && r.matches(rec));
    if (!route) {
      void rec.bodyComplete.then(() => sendNotFound(rec, res));
      return;
    }
    route.remaining -= 1;
    // Kept only while recording: a benchmark's upstream serves millions of requests (bodies and all).
    if (record) route.served.push(rec);
    void serve(route.responder, rec, req, res).catch((error: unknown) => {
      console.error('fake upstream: script failed', error);
      res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const addRoute = (matcher: RouteMatcher, responder: Responder, routeOpts: RouteOptions): RouteHandle => {
    const route: Route = {
      matches: compileMatcher(matcher),
      responder,
      remaining: routeOpts.times ?? Number.POSITIVE_INFINITY,
      served: [],
    };
    routes.unshift(route);
    return {
      requests: route.served,
      remove: () => {
        routes = routes.filter((r) => r !== route);
      },
    };
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests(): readonly RecordedRequest[] {
      return requests;
    },
    get requestCount(): number {
      return requestCount;
    },
    respond: (matcher, responder, routeOpts = {}) => addRoute(matcher, responder, routeOpts),
    route: (method, path, handler) => addRoute({ method, path }, { kind: 'raw', handle: handler }, {}),
    nextRequest: () => {
      if (!record) return Promise.reject(new Error('fake upstream: recording is off'));
      const pending = requests[handedOut];
      if (pending) {
        handedOut += 1;
        return Promise.resolve(pending);
      }
      return new Promise((resolve) => requestWaiters.push(resolve));
    },
    clearRoutes: () => {
      routes = [];
    },
    close: async () => {
      state.closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function compileMatcher(matcher: RouteMatcher): (rec: Recording) => boolean {
  if (typeof matcher === 'string') {
    if (matcher === '*') return () => true;
    const space = matcher.indexOf(' ');
    const method = space === -1 ? undefined : matcher.slice(0, space);
    const path = (space === -1 ? matcher : matcher.slice(space + 1)).trim();
    return compileMatcher(method === undefined ? { path } : { method, path });
  }
  const method = matcher.method?.toUpperCase();
  const { path, query } = matcher;
  const pathMatches =
    path === undefined
      ? () => true
      : typeof path === 'string'
        ? (p: string) => p === stripQuery(path)
        : path instanceof RegExp
          ? (p: string) => path.test(p)
          : path;
  return (rec) =>
    (method === undefined || method === '*' || rec.method === method) &&
    pathMatches(rec.path) &&
    Object.entries(query ?? {}).every(([key, value]) => rec.query.get(key) === value);
}

function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function sendNotFound(rec: Recording, res: ServerResponse): void {
  if (res.destroyed) return;
  const body = Buffer.from(
    JSON.stringify({
      error: {
        message: `fake upstream: no route for ${rec.method} ${rec.path}`,
        type: 'invalid_request_error',
        code: 'not_found',
      },
    }),
  );
  rec.noteHead(404);
  rec.noteSent(body);
  res.writeHead(404, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

async function serve(
  responder: Responder,
  rec: Recording,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (typeof responder !== 'function' && responder.kind === 'hang') {
    // A hung upstream does not care whether the body ever finishes.
    await untilAborted(rec.signal);
    return;
  }
  await rec.bodyComplete;
  if (rec.signal.aborted) return;
  const script = typeof responder === 'function' ? await responder(rec) : responder;
  switch (script.kind) {
    case 'hang':
      await untilAborted(rec.signal);
      return;
    case 'raw':
      await script.handle(req, res, rec);
      return;
    case 'reset-after': {
      const sink = openStream(rec, res, script);
      if (!(await writeChunks(sink, script.chunks.slice(0, script.afterChunks), rec.signal))) return;
      await sink.flushed();
      if (!(await delay(script.resetDelayMs ?? 10, rec.signal))) return;
      rec.resetConnection();
      return;
    }
    case 'stall': {
      const sink = openStream(rec, res, script);
      if (!(await writeChunks(sink, script.chunks.slice(0, script.afterChunks), rec.signal))) return;
      await untilAborted(rec.signal);
      return;
    }
    case 'gated': {
      const sink = openStream(rec, res, script);
      for (const chunk of script.chunks) {
        if (!(await script.gate.take(rec.signal))) return;
        const data = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? chunk : chunk.data;
        if (!(await sink.write(toBuffer(data)))) return;
        script.gate.markWritten();
      }
      await sink.end();
      return;
    }
    case 'stream':
      break;
    case 'plain':
      return servePlain(rec, res, script);
    case undefined:
      if ('body' in script) return servePlain(rec, res, script);
      break;
  }
  const sink = openStream(rec, res, script);
  if (!(await writeChunks(sink, script.chunks, rec.signal))) return;
  await sink.end();
}

async function servePlain(rec: Recording, res: ServerResponse, script: PlainScript): Promise<void> {
  if (script.delayMs !== undefined && !(await delay(script.delayMs, rec.signal))) return;
  const raw = toBuffer(script.body);
  const body = script.gzip ? gzipSync(raw) : raw;
  const status = script.status ?? 200;
  const headers = buildHeaders(script, 'application/json');
  if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['content-length'] = body.length;
  }
  rec.noteHead(status);
  res.writeHead(status, headers);
  rec.noteSent(body);
  res.end(body);
}

function buildHeaders(head: ScriptHead, defaultContentType: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-type': defaultContentType };
  for (const [name, value] of Object.entries(head.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  if (head.gzip) headers['content-encoding'] = 'gzip';
  return headers;
}

/** Where a stream's chunks go: straight to the socket, or through a per-chunk-flushed gzip. */
interface ChunkSink {
  /** Resolves true once the chunk reached the socket, false if the exchange is gone. */
  write(data: Buffer): Promise<boolean>;
  /** Resolves once everything written so far has reached the socket. */
  flushed(): Promise<boolean>;
  end(): Promise<void>;
}

function openStream(rec: Recording, res: ServerResponse, head: ScriptHead): ChunkSink {
  const status = head.status ?? 200;
  const headers = buildHeaders(head, 'text/event-stream; charset=utf-8');
  rec.noteHead(status);
  res.writeHead(status, headers);
  // The client must see the headers now, not with the first chunk: that is what time-to-headers measures.
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  const raw = rawSink(rec, res);
  return head.gzip ? gzipSink(rec, raw) : raw;
}

function rawSink(rec: Recording, res: ServerResponse): ChunkSink {
  let last: Promise<boolean> = Promise.resolve(true);
  const write = (data: Buffer): Promise<boolean> => {
    if (rec.signal.aborted || res.destroyed) return Promise.resolve(false);
    rec.noteSent(data);
    // Waiting for the write callback paces us by the socket (backpressure) and tells a reset when it is safe.
    last = raceAbort(
      new Promise<boolean>((resolve) => res.write(data, (error) => resolve(!error))),
      rec.signal,
    );
    return last;
  };
  return {
    write,
    flushed: () => last,
    end: async () => {
      if (rec.signal.aborted || res.destroyed) return;
      await raceAbort(new Promise<boolean>((resolve) => res.end(() => resolve(true))), rec.signal);
    },
  };
}

function gzipSink(rec: Recording, raw: ChunkSink): ChunkSink {
  const gzip = createGzip();
  let last: Promise<boolean> = Promise.resolve(true);
  gzip.on('data', (piece: Buffer) => {
    last = raw.write(piece);
  });
  rec.signal.addEventListener('abort', () => gzip.destroy(), { once: true });
  return {
    write: async (data) => {
      if (rec.signal.aborted) return false;
      const done = await raceAbort(
        new Promise<boolean>((resolve) => {
          gzip.write(data);
          // A sync flush makes each chunk decodable on arrival, as a streaming gzip server would.
          gzip.flush(zlibConstants.Z_SYNC_FLUSH, () => resolve(true));
        }),
        rec.signal,
      );
      if (!done) return false;
      // The flushed output is emitted as 'data' events; let them land before waiting for the socket.
      await new Promise((resolve) => setImmediate(resolve));
      return last;
    },
    flushed: () => last,
    end: async () => {
      if (rec.signal.aborted) return;
      const ended = new Promise<void>((resolve) => gzip.once('end', resolve));
      gzip.end();
      if (
        !(await raceAbort(
          ended.then(() => true),
          rec.signal,
        ))
      )
        return;
      if (!(await last)) return;
      await raw.end();
    },
  };
}

async function writeChunks(
  sink: ChunkSink,
  chunks: readonly ScriptedChunk[],
  signal: AbortSignal,
): Promise<boolean> {
  for (const chunk of chunks) {
    if (!(await delay(chunk.delayMs, signal))) return false;
    if (!(await sink.write(toBuffer(chunk.data)))) return false;
  }
  return true;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** A write to a dead socket may never call back; the exchange's end must still release us. */
function raceAbort(promise: Promise<boolean>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return Promise.race([promise, untilAborted(signal).then(() => false)]);
}

function toBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

class Recording implements RecordedRequest {
  readonly seq: number;
  readonly connectionId: number;
  readonly method: string;
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly receivedAt: number;
  readonly bodyArrivals: Array<{ at: number; bytes: number }> = [];
  readonly bodyComplete: Promise<Buffer>;
  readonly sent: Buffer[] = [];
  readonly outcome: Promise<RequestOutcome>;
  readonly aborted: Promise<number>;
  /** Aborts when the response is over for any reason, so every pending delay and write lets go. */
  readonly signal: AbortSignal;
  bodyEnded = false;
  status: number | undefined;
  headersSentAt: number | undefined;
  abortedAt: number | undefined;
  #bodyPieces: Buffer[] = [];
  #bodyBytes = 0;
  #progressWaiters: Array<{ bytes: number; resolve: () => void }> = [];
  #res: ServerResponse;
  #resetByScript = false;

  constructor(
    seq: number,
    connectionId: number,
    req: IncomingMessage,
    res: ServerResponse,
    server: { closing: boolean },
  ) {
    this.seq = seq;
    this.connectionId = connectionId;
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    this.path = stripQuery(this.url);
    this.query = new URLSearchParams(this.url.slice(this.path.length + 1));
    this.headers = req.headers;
    this.rawHeaders = req.rawHeaders;
    this.receivedAt = performance.now();
    this.#res = res;

    const controller = new AbortController();
    this.signal = controller.signal;

    req.on('data', (piece: Buffer) => {
      this.#bodyPieces.push(piece);
      this.#bodyBytes += piece.length;
      this.bodyArrivals.push({ at: performance.now(), bytes: piece.length });
      const ready = this.#progressWaiters.filter((w) => w.bytes <= this.#bodyBytes);
      this.#progressWaiters = this.#progressWaiters.filter((w) => w.bytes > this.#bodyBytes);
      for (const waiter of ready) waiter.resolve();
    });
    this.bodyComplete = new Promise((resolve) => {
      req.on('end', () => {
        this.bodyEnded = true;
        resolve(this.body);
      });
      // A client that leaves mid-upload still gets its partial body recorded.
      req.on('close', () => resolve(this.body));
    });

    let resolveAborted: (at: number) => void = () => {};
    this.aborted = new Promise((resolve) => {
      resolveAborted = resolve;
    });
    this.outcome = new Promise((resolve) => {
      res.on('close', () => {
        const at = performance.now();
        let outcome: RequestOutcome;
        if (res.writableFinished) outcome = { kind: 'finished', at };
        else if (this.#resetByScript) outcome = { kind: 'reset', at };
        else if (server.closing) outcome = { kind: 'server-closed', at };
        else {
          outcome = { kind: 'client-aborted', at };
          this.abortedAt = at;
          resolveAborted(at);
        }
        controller.abort();
        resolve(outcome);
      });
    });
  }

  get body(): Buffer {
    if (this.#bodyPieces.length > 1) this.#bodyPieces = [Buffer.concat(this.#bodyPieces)];
    return this.#bodyPieces[0] ?? Buffer.alloc(0);
  }

  get bodyBytes(): number {
    return this.#bodyBytes;
  }

  get sentBody(): Buffer {
    return Buffer.concat(this.sent);
  }

  bodyProgress(bytes: number): Promise<void> {
    if (this.#bodyBytes >= bytes) return Promise.resolve();
    return new Promise((resolve) => this.#progressWaiters.push({ bytes, resolve }));
  }

  json(): unknown {
    return JSON.parse(this.body.toString('utf8'));
  }

  noteHead(status: number): void {
    this.status = status;
    this.headersSentAt = performance.now();
  }

  noteSent(data: Buffer): void {
    this.sent.push(data);
  }

  resetConnection(): void {
    this.#resetByScript = true;
    const socket = this.#res.socket;
    if (!socket) return;
    // RST rather than FIN: an upstream that dies mid-stream does not say goodbye politely.
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }
}
