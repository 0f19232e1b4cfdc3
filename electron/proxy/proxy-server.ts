import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Dispatcher, Pool } from 'undici';
import { RESENT_FROM_HEADER } from '../../shared/contract/tokentap-headers.ts';
import type { CaptureSink, FoundSecret } from '../../shared/exchange/capture-events.ts';
import { redactHeaders } from '../../shared/security/redact-headers.ts';
import { redactQuery } from '../../shared/security/redact-query.ts';
import { answerPreflight, isPreflight } from './cors-headers.ts';
import { ExchangeForwarder } from './exchange-forwarder.ts';
import { requestHeadersToForward } from './forward-headers.ts';
import { formatListenAddress, type ListenAddress } from './listen-address.ts';
import { listenOn } from './listen-error.ts';
import { openAiErrorBody, sendOpenAiError } from './openai-error.ts';
import { type BufferedRequest, type ProxyResponder, responseTap } from './proxy-responder.ts';
import { type Refusal, RequestPolicy } from './request-policy.ts';
import { buildRouteTable, type ResolvedRoute, type RouteEntry, type RouteTable } from './routes.ts';
import { apiKeyOf, fingerprintApiKey } from './tenant-fingerprint.ts';
import { connectorDroppingUnsolicitedContinue } from './unsolicited-continue.ts';
import type { UpstreamTarget } from './upstream-target.ts';
import { isWebSocketUpgrade, WebSocketRelay } from './websocket-relay.ts';
import { bodyForUndici, WholeBodies, type WholeBody } from './whole-body.ts';

export interface ProxyOptions {
  listen: ListenAddress;
  upstream: UpstreamTarget;
  /** How long the upstream may take to send response headers (reasoning models are slow). */
  headersTimeoutMs: number;
  sink: CaptureSink;
  /** Answers requests before they go upstream (replay mode); absent: forward everything. */
  responder?: ProxyResponder | null | undefined;
  /** Web page origins allowed to call the proxy (`TOKENTAP_ALLOWED_ORIGINS`); absent: none. */
  allowedOrigins?: readonly string[] | undefined;
  /** Routes added to or overriding the built-in ones (`TOKENTAP_ROUTES`, settings); absent: the built-ins. */
  routes?: readonly RouteEntry[] | undefined;
  /** Unprefixed Anthropic or Gemini requests go to those routes (UPSTREAM left at its default). */
  autoDetect?: boolean | undefined;
}

export interface RunningProxy {
  /** The address actually bound (port 0 resolved). */
  readonly address: ListenAddress;
  /** `http://host:port`, what SDKs use as their base URL (plus `/v1`). */
  readonly url: string;
  /** The routes requests are forwarded by (built once per start, i.e. once per settings change). */
  readonly routes: RouteTable;
  /** Turns replay mode on (a responder) or off (null); takes effect for the next request. */
  setResponder(responder: ProxyResponder | null): void;
  close(): Promise<void>;
}

export const DEFAULT_HEADERS_TIMEOUT_MS = 10 * 60_000;

/** Starts the forwarding proxy; rejects with an error naming the address when it cannot listen. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const routes = buildRouteTable(options.upstream, options.routes ?? [], options.autoDetect ?? false);
  const pools = new UpstreamPools(options.headersTimeoutMs);
  const wholeBodies = new WholeBodies();
  const sockets = new Set<Socket>();
  let responder = options.responder ?? null;

  const policy = new RequestPolicy(options.listen.host, options.allowedOrigins ?? []);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const refusal = policy.check(req);
    if (refusal !== null) {
      refuse(res, refusal);
      return;
    }
    // Only requests with an Origin (browsers) pay for the CORS look-ups.
    const corsOrigin = req.headers.origin === undefined ? null : policy.corsOrigin(req);
    if (req.method === 'OPTIONS') {
      if (req.url === '*') {
        answerOptionsStar(res);
        return;
      }
      if (corsOrigin !== null && isPreflight(req)) {
        answerPreflight(req, res, corsOrigin);
        return;
      }
    }
    // The forwarding hot path is untouched unless replay mode is on; resends always go upstream.
    if (responder === null || req.headers[RESENT_FROM_HEADER] !== undefined)
      forward(req, res, routes, pools, options.sink, corsOrigin, wholeBodies);
    else answerOrForward(req, res, responder, routes, pools, options.sink, corsOrigin);
  };

  const server: Server = createServer(
    {
      noDelay: true,
      keepAliveTimeout: 65_000,
      requestTimeout: 0,
      headersTimeout: 60_000,
      // Only WebSocket upgrades are taken over; any other `Upgrade` (h2c) is forwarded as plain HTTP.
      shouldUpgradeCallback: isWebSocketUpgrade,
    },
    onRequest,
  );
  const relay = new WebSocketRelay({
    sink: options.sink,
    policy,
    routeOf: (req) => routes.resolve(req.url ?? '/', req.headers),
    handshakeTimeoutMs: options.headersTimeoutMs,
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Replay mode may answer a WebSocket from a recording; a refused request is the relay's to refuse.
    const route =
      responder?.answerUpgrade && policy.check(req) === null
        ? routes.resolve(req.url ?? '/', req.headers)
        : null;
    if (route && responder?.answerUpgrade?.(req, socket, head, { sink: options.sink, route })) return;
    relay.handle(req, socket, head);
  });
  // `Expect: 100-continue` (curl sends it for bodies over 1 MiB): undici cannot send Expect
  // upstream, so the proxy answers 100 itself and streams the body on; a request it refuses
  // gets its answer without the 100, so the client never sends the body at all.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (policy.check(req) === null) res.writeContinue();
    onRequest(req, res);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // CONNECT asks for a tunnel to anywhere: Tokentap is a reverse proxy to one upstream, never that.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    const body = openAiErrorBody(
      'Tokentap is not a forward proxy: CONNECT is not supported. Use its address as the SDK base URL.',
      'invalid_request_error',
      'connect_not_supported',
    );
    socket.on('error', () => socket.destroy());
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nallow: ${ALLOWED_METHODS}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 ${clientErrorStatus(error)}\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });

  await listenOn(server, options.listen);
  const bound = server.address() as AddressInfo;
  const address = { host: bound.address, port: bound.port };
  let closing: Promise<void> | undefined;
  return {
    address,
    url: `http://${formatListenAddress(address)}`,
    routes,
    setResponder(next) {
      responder = next;
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        relay.close();
        await closed;
        await pools.destroy();
      })();
      return closing;
    },
  };
}

/**
 * `buffered`: the request body was already read (replay mode, a miss falling through), so it is
 * sent from memory, timed from when the request arrived. A small declared body is read whole here
 * before it goes upstream (see whole-body.ts); the exchange is captured from its arrival either way.
 */
function forward(
  req: IncomingMessage,
  res: ServerResponse,
  routes: RouteTable,
  pools: UpstreamPools,
  sink: CaptureSink,
  corsOrigin: string | null,
  /** Where small bodies are read whole before forwarding; null: every body streams (or is `buffered`). */
  wholeBodies: WholeBodies | null,
  buffered?: { t0: number; startedAt: number; body: WholeBody },
): void {
  const t0 = buffered ? buffered.t0 : performance.now();
  const id = randomUUID();
  const route = routes.resolve(req.url ?? '/', req.headers);
  const upstream = route.target;
  startExchange(sink, id, req, buffered ? buffered.startedAt : Date.now(), route, upstream.origin);
  const dispatch = (body: UndiciBody | Buffer[], bodyCaptured: boolean): void => {
    const handler = new ExchangeForwarder(id, t0, req, res, sink, upstream.url, corsOrigin, bodyCaptured);
    pools.get(upstream.origin).dispatch(
      {
        method: req.method ?? 'GET',
        path: route.path,
        headers: requestHeadersToForward(req.rawHeaders),
        // An array of Buffers is an iterable body: undici writes its pieces in turn (its types lag).
        body: body as UndiciBody,
      },
      handler,
    );
  };
  // A body read before it goes upstream is captured as it arrived, whether or not it gets there.
  if (buffered) {
    for (const data of buffered.body.parts) captureBodyPart(sink, id, t0, data);
    captureRequestEnd(sink, id, t0);
    dispatch(bodyForUndici(buffered.body), true);
    return;
  }
  const readWhole = wholeBodies?.read(req, {
    part: (data) => captureBodyPart(sink, id, t0, data),
    end: (body) => {
      captureRequestEnd(sink, id, t0);
      dispatch(bodyForUndici(body), true);
    },
    aborted: () =>
      // Nothing went upstream: the record keeps what the client sent before it went.
      sink.push({
        type: 'exchange-error',
        exchangeId: id,
        t: performance.now() - t0,
        kind: 'client-aborted',
        message:
          'The client closed the connection before it had sent the whole request body; nothing was sent upstream.',
      }),
  });
  if (!readWhole) dispatch(hasBody(req) ? req : null, false);
}

type UndiciBody = Exclude<Dispatcher.DispatchOptions['body'], undefined>;

/** A piece of a request body read before forwarding, captured as it arrived. */
function captureBodyPart(sink: CaptureSink, exchangeId: string, t0: number, data: Buffer): void {
  sink.push({ type: 'request-body-part', exchangeId, t: performance.now() - t0, data });
}

function captureRequestEnd(sink: CaptureSink, exchangeId: string, t0: number): void {
  sink.push({ type: 'request-end', exchangeId, t: performance.now() - t0 });
}

/** `upstream`: the origin the request goes to (pricing follows it); none for an answer replay mode gives. */
function startExchange(
  sink: CaptureSink,
  id: string,
  req: IncomingMessage,
  startedAt: number,
  route: ResolvedRoute,
  upstream?: string,
): void {
  const url = req.url ?? '/';
  const key = apiKeyOf(req.headers, url);
  // The key values themselves go to the analysis (in memory), which scrubs them from what it keeps.
  const secrets: FoundSecret[] = [];
  sink.push({
    type: 'request-start',
    exchangeId: id,
    t: 0,
    startedAt,
    method: req.method ?? 'GET',
    path: redactQuery(url, secrets),
    headers: redactHeaders(req.headers as Record<string, string | string[]>, secrets),
    tenant: key ? fingerprintApiKey(key) : null,
    organization: firstValue(req.headers['openai-organization']),
    project: firstValue(req.headers['openai-project']),
    secrets,
    provider: route.provider,
    ...(route.prefix === '' ? {} : { routePrefix: route.prefix }),
    ...(upstream === undefined ? {} : { upstream }),
  });
}

/** Replay mode: reads the request, then lets the responder answer it or forwards it upstream. */
function answerOrForward(
  req: IncomingMessage,
  res: ServerResponse,
  responder: ProxyResponder,
  routes: RouteTable,
  pools: UpstreamPools,
  sink: CaptureSink,
  corsOrigin: string | null,
): void {
  const t0 = performance.now();
  const startedAt = Date.now();
  const parts: Buffer[] = [];
  // A body is held to be matched, so it is capped: past the cap, 413, and the rest is read and dropped.
  const cap = responder.maxBodyBytes ?? Number.POSITIVE_INFINITY;
  let read = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    read += chunk.length;
    if (read <= cap) return void parts.push(chunk);
    over = true;
    parts.length = 0;
    const body = openAiErrorBody(
      `Tokentap replay reads request bodies up to ${cap} bytes to match them with a recording; this one is larger`,
      'invalid_request_error',
      'request_too_large',
    );
    res.writeHead(413, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    });
    res.end(body);
  });
  req.once('end', () => {
    if (over) return;
    const body = Buffer.concat(parts);
    const request: BufferedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body,
    };
    let answer: ReturnType<ProxyResponder['answerFor']>;
    try {
      answer = responder.answerFor(request);
    } catch (error) {
      sendOpenAiError(
        res,
        500,
        `Tokentap replay failed: ${(error as Error).message}`,
        'proxy_error',
        'replay_failed',
      );
      return;
    }
    if (answer === null) {
      forward(req, res, routes, pools, sink, corsOrigin, null, {
        t0,
        startedAt,
        body: { parts: [body], bytes: read },
      });
      return;
    }
    const id = randomUUID();
    startExchange(sink, id, req, startedAt, routes.resolve(req.url ?? '/', req.headers));
    if (body.length > 0)
      sink.push({ type: 'request-body-part', exchangeId: id, t: performance.now() - t0, data: body });
    sink.push({ type: 'request-end', exchangeId: id, t: performance.now() - t0 });
    answer.send(res, responseTap(sink, id, t0));
  });
}

/** Answers a request the policy refuses, with an OpenAI-shaped error; it is not forwarded or captured. */
function refuse(res: ServerResponse, refusal: Refusal): void {
  sendOpenAiError(res, refusal.status, refusal.message, 'invalid_request_error', refusal.code);
}

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/** `OPTIONS *` asks about the server itself, and no upstream path can carry `*`: answered here. */
function answerOptionsStar(res: ServerResponse): void {
  res.writeHead(200, { allow: ALLOWED_METHODS, 'content-length': '0' });
  res.end();
}

/** The status line for a request Node's parser refused, as Node's own default handler picks it. */
function clientErrorStatus(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return '431 Request Header Fields Too Large';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return '413 Payload Too Large';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return '408 Request Timeout';
    default:
      return '400 Bad Request';
  }
}

/** One keep-alive pool per upstream origin, made on the first request that goes there. */
class UpstreamPools {
  readonly #pools = new Map<string, Pool>();
  readonly #headersTimeoutMs: number;

  constructor(headersTimeoutMs: number) {
    this.#headersTimeoutMs = headersTimeoutMs;
  }

  get(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: null,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        headersTimeout: this.#headersTimeoutMs,
        // Time between body chunks; streams may idle while a model thinks, so as generous as headers.
        bodyTimeout: this.#headersTimeoutMs,
        // undici fails a request on an interim 100 it did not ask for; this drops it (RFC 9110 §15.2).
        connect: connectorDroppingUnsolicitedContinue(),
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.destroy()));
    this.#pools.clear();
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function firstValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
