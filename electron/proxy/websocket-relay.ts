import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { CaptureSink, FoundSecret, WebSocketSide } from '../../shared/exchange/capture-events.ts';
import { redactHeaders } from '../../shared/security/redact-headers.ts';
import { redactQuery } from '../../shared/security/redact-query.ts';
import { openAiErrorBody } from './openai-error.ts';
import type { Refusal, RequestPolicy } from './request-policy.ts';
import type { ResolvedRoute } from './routes.ts';
import { apiKeyOf, fingerprintApiKey } from './tenant-fingerprint.ts';
import {
  keyInProtocols,
  offeredProtocols,
  redactKeyProtocol,
  upgradeHeadersToForward,
  upgradeResponseHeadersToForward,
} from './websocket-handshake.ts';
import { websocketTargetUrl } from './websocket-target.ts';

export interface WebSocketRelayOptions {
  sink: CaptureSink;
  policy: RequestPolicy;
  /** Where an upgrade request goes: the same route the HTTP path would take (routes.ts). */
  routeOf(req: IncomingMessage): ResolvedRoute;
  /** How long the upstream may take to answer the handshake. */
  handshakeTimeoutMs: number;
}

/** Bytes queued towards one side before the other side is no longer read (backpressure). */
const HIGH_WATER_BYTES = 1024 * 1024;

/** Whether a request asks for a WebSocket (other upgrades, h2c, are forwarded as plain HTTP). */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return upgrade !== undefined && upgrade.toLowerCase() === 'websocket' && req.method === 'GET';
}

/**
 * Relays WebSocket upgrades to the upstream: the upstream's handshake is made first, so that a
 * refusal (401, 404) reaches the client as it was and the subprotocol the upstream chose is the
 * one the client gets; then every message goes on the moment it arrives, as it arrived (text as
 * text, binary as binary), and a close on either side closes the other with the same code and
 * reason. The same Buffer is pushed to the capture sink after it is sent on.
 */
export class WebSocketRelay {
  readonly #options: WebSocketRelayOptions;
  readonly #live = new Set<WebSocket>();

  constructor(options: WebSocketRelayOptions) {
    this.#options = options;
  }

  /** Takes over an upgrade request's socket (the `upgrade` event of the HTTP server). */
  handle(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refusal = this.#options.policy.check(req);
    if (refusal !== null) {
      answerRefusal(socket, refusal);
      return;
    }
    socket.setNoDelay(true);
    new RelayedSocket(this.#options, this.#live, req, socket, head).start();
  }

  /** Ends every relayed socket (the proxy is closing). */
  close(): void {
    for (const ws of this.#live) ws.terminate();
    this.#live.clear();
  }
}

/** One client WebSocket and its upstream twin, as one captured exchange. */
class RelayedSocket {
  readonly #options: WebSocketRelayOptions;
  /** Set first thing in start(): where this socket goes. */
  #route: ResolvedRoute | null = null;
  readonly #live: Set<WebSocket>;
  readonly #req: IncomingMessage;
  readonly #socket: Socket;
  readonly #head: Buffer;
  readonly #id = randomUUID();
  readonly #t0 = performance.now();
  #upstream: WebSocket | null = null;
  #client: WebSocket | null = null;
  #ended = false;

  constructor(
    options: WebSocketRelayOptions,
    live: Set<WebSocket>,
    req: IncomingMessage,
    socket: Socket,
    head: Buffer,
  ) {
    this.#options = options;
    this.#live = live;
    this.#req = req;
    this.#socket = socket;
    this.#head = head;
  }

  #now(): number {
    return performance.now() - this.#t0;
  }

  #upstreamOrigin(): string {
    return this.#route?.target.origin ?? '';
  }

  start(): void {
    const req = this.#req;
    const route = this.#options.routeOf(req);
    this.#route = route;
    const protocols = offeredProtocols(req.headers['sec-websocket-protocol']);
    this.#captureStart(protocols);
    let upstream: WebSocket;
    try {
      upstream = new WebSocket(websocketTargetUrl(route), protocols, {
        headers: upgradeHeadersToForward(req.rawHeaders),
        perMessageDeflate: false,
        handshakeTimeout: this.#options.handshakeTimeoutMs,
        followRedirects: false,
      });
    } catch (error) {
      // `ws` refuses subprotocols that are not tokens, or a URL it cannot use.
      this.#fail(
        400,
        'invalid_request_error',
        'bad_websocket_request',
        (error as Error).message,
        'proxy-error',
      );
      return;
    }
    this.#upstream = upstream;
    this.#live.add(upstream);
    // The client going away during the upstream handshake ends that handshake.
    const onEarlyClose = (): void => {
      if (this.#client !== null || this.#ended) return;
      this.#ended = true;
      this.#live.delete(upstream);
      this.#options.sink.push({
        type: 'exchange-error',
        exchangeId: this.#id,
        t: this.#now(),
        kind: 'client-aborted',
        message:
          'The client closed the connection before the upstream accepted the WebSocket; the upstream handshake was aborted.',
      });
      upstream.terminate();
    };
    this.#socket.once('close', onEarlyClose);
    let handshake: IncomingMessage | null = null;
    upstream.once('upgrade', (res: IncomingMessage) => {
      handshake = res;
      this.#options.sink.push({
        type: 'response-head',
        exchangeId: this.#id,
        t: this.#now(),
        status: res.statusCode ?? 101,
        headers: redactKeyProtocol(redactHeaders(res.headers as Record<string, string | string[]>), []),
      });
    });
    // `open` comes once `ws` has checked the upstream's answer (accept key, subprotocol).
    upstream.once('open', () => this.#acceptClient(handshake as IncomingMessage, upstream));
    upstream.once('unexpected-response', (_request, res: IncomingMessage) => {
      this.#socket.off('close', onEarlyClose);
      this.#relayRefusal(res);
    });
    upstream.on('error', (error: Error) => {
      if (this.#client === null && !this.#ended) {
        const message = `Tokentap could not open the upstream WebSocket ${this.#upstreamOrigin()}: ${error.message}`;
        this.#fail(502, 'proxy_error', 'upstream_unreachable', message, 'upstream-unreachable');
      }
    });
  }

  #captureStart(protocols: string[]): void {
    const route = this.#route;
    captureUpgradeStart(this.#options.sink, this.#id, this.#req, protocols, route, this.#upstreamOrigin());
  }

  /** The upstream said 101: the client gets its own 101, with the upstream's subprotocol and headers. */
  #acceptClient(res: IncomingMessage, upstream: WebSocket): void {
    const socket = this.#socket;
    if (socket.destroyed) {
      upstream.terminate();
      return;
    }
    const chosen = upstream.protocol;
    // One small server per socket: the upstream's subprotocol is the only one this client may get.
    const server = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (offered) => (chosen !== '' && offered.has(chosen) ? chosen : false),
    });
    const extra = upgradeResponseHeadersToForward(res.headers);
    server.once('headers', (headers: string[]) => {
      headers.push(...extra);
    });
    server.handleUpgrade(this.#req, socket, this.#head, (client) => this.#relay(client, upstream));
  }

  #relay(client: WebSocket, upstream: WebSocket): void {
    this.#client = client;
    this.#live.add(client);
    this.#pipe(client, upstream, 'client');
    this.#pipe(upstream, client, 'server');
    client.on('error', () => undefined);
    let closedBy: WebSocketSide | null = null;
    const onClose =
      (by: WebSocketSide, other: WebSocket) =>
      (code: number, reason: Buffer): void => {
        this.#live.delete(by === 'client' ? client : upstream);
        if (closedBy === null) {
          closedBy = by;
          this.#closed(by, code, reason.toString('utf8'));
        }
        closeLike(other, code, reason);
      };
    client.on('close', onClose('client', upstream));
    upstream.on('close', onClose('server', client));
  }

  /** Sends every message from `from` on to `to` as it arrives; stops reading `from` while `to` is backed up. */
  #pipe(from: WebSocket, to: WebSocket, side: WebSocketSide): void {
    const { sink } = this.#options;
    const id = this.#id;
    let paused = false;
    const drained = (): void => {
      if (paused && to.bufferedAmount < HIGH_WATER_BYTES) {
        paused = false;
        from.resume();
      }
    };
    from.on('message', (data: RawData, binary: boolean) => {
      const buffer = data as Buffer;
      if (to.readyState === WebSocket.OPEN) {
        to.send(buffer, { binary }, drained);
        if (!paused && to.bufferedAmount >= HIGH_WATER_BYTES) {
          paused = true;
          from.pause();
        }
      }
      sink.push({
        type: 'websocket-message',
        exchangeId: id,
        t: this.#now(),
        from: side,
        binary,
        data: buffer,
      });
    });
  }

  #closed(by: WebSocketSide, code: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    captureClose(this.#options.sink, this.#id, this.#now(), by, code, reason);
  }

  /** The upstream refused the upgrade: the client gets the same status, headers and body. */
  #relayRefusal(res: IncomingMessage): void {
    const status = res.statusCode ?? 502;
    const { sink } = this.#options;
    sink.push({
      type: 'response-head',
      exchangeId: this.#id,
      t: this.#now(),
      status,
      headers: redactHeaders(res.headers as Record<string, string | string[]>),
    });
    const socket = this.#socket;
    const lines = [`HTTP/1.1 ${status} ${sanitisedReason(res.statusMessage)}`];
    for (const line of upgradeResponseHeadersToForward(res.headers)) lines.push(line);
    lines.push('connection: close', 'transfer-encoding: chunked', '', '');
    if (!socket.destroyed) socket.write(lines.join('\r\n'));
    res.on('data', (chunk: Buffer) => {
      if (!socket.destroyed)
        socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString('latin1')}\r\n`, 'latin1');
      sink.push({ type: 'response-body-part', exchangeId: this.#id, t: this.#now(), data: chunk });
    });
    res.once('end', () => {
      if (!socket.destroyed) socket.end('0\r\n\r\n');
      this.#ended = true;
      sink.push({ type: 'response-end', exchangeId: this.#id, t: this.#now() });
    });
    res.once('error', () => {
      socket.destroy();
      this.#ended = true;
      sink.push({
        type: 'exchange-error',
        exchangeId: this.#id,
        t: this.#now(),
        kind: 'upstream-reset',
        message: 'The upstream connection failed while it answered the WebSocket handshake.',
      });
    });
    this.#live.delete(this.#upstream as WebSocket);
  }

  /** Answers the client's handshake with an OpenAI-shaped error and records the failure. */
  #fail(
    status: number,
    type: string,
    code: string,
    message: string,
    kind: 'proxy-error' | 'upstream-unreachable',
  ): void {
    if (this.#upstream) this.#live.delete(this.#upstream);
    writeError(this.#socket, status, openAiErrorBody(message, type, code));
    if (this.#ended) return;
    this.#ended = true;
    this.#options.sink.push({ type: 'exchange-error', exchangeId: this.#id, t: this.#now(), kind, message });
  }
}

/**
 * Pushes the start of a WebSocket exchange (its handshake request, redacted; the key in a
 * subprotocol too), as one that is complete: an upgrade has no request body. Also used by replay.
 */
export function captureUpgradeStart(
  sink: CaptureSink,
  exchangeId: string,
  req: IncomingMessage,
  protocols: readonly string[],
  route: ResolvedRoute | null,
  upstream?: string,
): void {
  const url = req.url ?? '/';
  const secrets: FoundSecret[] = [];
  const key = apiKeyOf(req.headers, url) ?? keyInProtocols(protocols);
  const headers = redactKeyProtocol(
    redactHeaders(req.headers as Record<string, string | string[]>, secrets),
    secrets,
  );
  sink.push({
    type: 'request-start',
    exchangeId,
    t: 0,
    startedAt: Date.now(),
    method: req.method ?? 'GET',
    path: redactQuery(url, secrets),
    headers,
    tenant: key ? fingerprintApiKey(key) : null,
    organization: firstValue(req.headers['openai-organization']),
    project: firstValue(req.headers['openai-project']),
    secrets,
    ...(upstream === undefined ? {} : { upstream }),
    provider: route?.provider ?? 'upstream',
    ...(route && route.prefix !== '' ? { routePrefix: route.prefix } : {}),
  });
  sink.push({ type: 'request-end', exchangeId, t: 0 });
}

/** Pushes a WebSocket's close: a normal close ends the exchange, any other is its failure. Also used by replay. */
export function captureClose(
  sink: CaptureSink,
  exchangeId: string,
  t: number,
  by: WebSocketSide,
  code: number,
  reason: string,
): void {
  sink.push({ type: 'websocket-close', exchangeId, t, code, reason, by });
  if (isNormalClose(code)) {
    sink.push({ type: 'response-end', exchangeId, t });
    return;
  }
  const who = by === 'client' ? 'The client' : 'The upstream';
  const kind = by === 'client' ? 'client-aborted' : 'upstream-reset';
  const how =
    code === 1006 ? 'dropped the WebSocket without a close frame' : `closed the WebSocket with code ${code}`;
  sink.push({
    type: 'exchange-error',
    exchangeId,
    t,
    kind,
    message: `${who} ${how}${reason ? ` (${reason})` : ''}.`,
  });
}

/**
 * Closes `ws` the way its twin was closed: the same code and reason, or no code (1005), or, for a
 * connection that dropped (1006) or a code nobody may send, by dropping it too.
 */
function closeLike(ws: WebSocket, code: number, reason: Buffer): void {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (ws.readyState === WebSocket.CONNECTING) {
    ws.terminate();
    return;
  }
  if (code === 1005) ws.close();
  else if (sendableCloseCode(code)) ws.close(code, reason.length <= 123 ? reason : reason.subarray(0, 123));
  else ws.terminate();
}

/**
 * A close that ends a WebSocket's work: 1000, or a close frame without a code (1005), which is how
 * some clients (the Agents SDK, browsers' `close()`) say goodbye.
 */
export function isNormalClose(code: number): boolean {
  return code === 1000 || code === 1005;
}

/** Close codes a peer may put in a close frame (RFC 6455 §7.4; 1005, 1006, 1015 never go on the wire). */
export function sendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

function answerRefusal(socket: Socket, refusal: Refusal): void {
  writeError(socket, refusal.status, openAiErrorBody(refusal.message, 'invalid_request_error', refusal.code));
}

function writeError(socket: Socket, status: number, body: string): void {
  if (socket.destroyed) return;
  const reason = status === 400 ? 'Bad Request' : status === 403 ? 'Forbidden' : 'Bad Gateway';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function sanitisedReason(text: string | undefined): string {
  return text !== undefined && /^[\t\x20-\x7e]*$/.test(text) ? text : '';
}

function firstValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
