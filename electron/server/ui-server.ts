import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { CHANNEL_TABLE } from '../../shared/contract/channels.ts';
import { argNames, callWith, checkArguments } from '../../shared/contract/check-arguments.ts';
import {
  argsFrom,
  type HttpRoute,
  LARGE_BODY_BYTES,
  SMALL_BODY_BYTES,
  takesBody,
  type WireRequest,
} from '../../shared/contract/http-route.ts';
import type { ExportRequest } from '../../shared/contract/inspector-contract.ts';
import type { InspectorService } from '../inspector-service.ts';
import { formatListenAddress, type ListenAddress } from '../proxy/listen-address.ts';
import { listenOn } from '../proxy/listen-error.ts';
import { ApiRoutes } from './api-routes.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { type DownloadTicketOptions, DownloadTickets } from './download-tickets.ts';
import {
  DEFAULT_LIVE_FEED_LIMITS,
  LiveFeedClient,
  type LiveFeedClientState,
  type LiveFeedLimits,
} from './live-feed-client.ts';
import { HttpError, parseJson, readBody, refuseByHead } from './request-body.ts';
import { RequestGuard } from './request-guard.ts';
import { serveStatic } from './static-files.ts';

export interface UiServerOptions {
  listen: ListenAddress;
  service: InspectorService;
  /** Where the built renderer is (dist/renderer). */
  rendererDir: string;
  /** Fixed token (`TOKENTAP_TOKEN`); random when absent. */
  token?: string | undefined;
  /** What a slow live-feed reader may have buffered (tests make it small). */
  liveFeed?: Partial<LiveFeedLimits>;
  /** Download tickets' lifetime and clock (tests inject the clock). */
  tickets?: DownloadTicketOptions;
  /** How long a client may take to send a request's headers (slowloris); 10 s by default. */
  headersTimeoutMs?: number;
}

export interface RunningUiServer {
  /** `http://127.0.0.1:3001` */
  readonly url: string;
  /** The URL to open, with the token. */
  readonly openUrl: string;
  readonly token: string;
  /** What the server holds for each live-feed client now. */
  liveClients(): LiveFeedClientState[];
  /** Open connections now (at most `MAX_CONNECTIONS`). */
  connectionCount(): number;
  close(): Promise<void>;
}

/** Browsers open a handful; a flood of idle connections must not use up the process's files. */
const MAX_CONNECTIONS = 256;

/**
 * The headless UI: the built renderer plus an HTTP + WebSocket API over the same handlers the
 * Electron IPC gateway exposes. Loopback by default, Host/Origin checked, a token on every call.
 */
export async function startUiServer(options: UiServerOptions): Promise<RunningUiServer> {
  const { service } = options;
  const token = options.token || randomBytes(24).toString('base64url');
  const sockets = new Set<Socket>();
  const liveClients = new Set<LiveFeedClient>();
  const liveLimits: LiveFeedLimits = { ...DEFAULT_LIVE_FEED_LIMITS, ...options.liveFeed };
  const tickets = new DownloadTickets(options.tickets);
  let guard: RequestGuard | undefined;

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server: Server = createServer(
    {
      headersTimeout,
      // Checked this often (Node's default of 30 s would let a slow header trickle on far longer).
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      void handle(req, res).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 400;
        // A refused body is not read on: the connection goes once the answer is out.
        if (status === 413) res.setHeader('connection', 'close');
        sendJson(res, status, { error: { message: (error as Error).message } });
      });
    },
  );
  server.maxConnections = MAX_CONNECTIONS;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const problem = guard?.hostProblem(req);
    if (problem) throw new HttpError(403, problem);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET here');
      await serveStatic(options.rendererDir, url.pathname, res);
      return;
    }
    // A download link carries a single-use ticket instead of the token.
    if (req.method === 'GET' && url.pathname === '/api/export' && url.searchParams.has('ticket')) {
      const request = tickets.redeem(url.searchParams.get('ticket') ?? '');
      if (!request) throw new HttpError(403, 'This download link was used already or has expired');
      return sendExport(res, service, request);
    }
    if (!guard?.hasToken(req)) {
      throw new HttpError(
        401,
        'Missing or wrong token: open the URL `npm run serve` printed; API calls send it as Authorization: Bearer',
      );
    }
    await route(req, res, url, service, tickets);
  }

  const webSockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket: Socket, head) => {
    // Node hands the socket over without its error listener: a reset here must not crash the app.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    if (guard?.hostProblem(req)) return refuse(403, 'Forbidden');
    if (!guard?.hasToken(req, url)) return refuse(401, 'Unauthorized');
    webSockets.handleUpgrade(req, socket, head, (ws) => {
      const client = new LiveFeedClient(ws, socket, service, liveLimits);
      // A malformed frame (unmasked, bad UTF-8, reserved opcode, too big) is an `error` on this
      // one socket; ws closes it. Without a listener it would take the whole process down.
      ws.on('error', () => ws.terminate());
      liveClients.add(client);
      ws.on('close', () => liveClients.delete(client));
    });
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await listenOn(server, options.listen);
  const bound = server.address() as AddressInfo;
  guard = new RequestGuard(token, bound.port, options.listen.host);
  const url = `http://${formatListenAddress({ host: options.listen.host, port: bound.port })}`;
  return {
    url,
    openUrl: `${url}/?token=${encodeURIComponent(token)}`,
    token,
    liveClients: () => [...liveClients].map((client) => client.state),
    connectionCount: () => sockets.size,
    async close() {
      for (const client of liveClients) client.close();
      for (const client of webSockets.clients) client.terminate();
      webSockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

const API_ROUTES = new ApiRoutes();
// The export channel's own route: a ticket is asked for with the same request.
const EXPORT_ROUTE: HttpRoute = CHANNEL_TABLE['export.build'].http;

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  service: InspectorService,
  tickets: DownloadTickets,
): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  // Downloads by URL, beside the channels: a whole session with the token in the header, or a
  // ticket for a link (see `handle`); both take the export channel's request, checked as it is.
  if (method === 'GET' && path === '/api/export') {
    const ids = url.searchParams.get('ids');
    const [request] = checkArguments('export.build', [
      {
        format: url.searchParams.get('format') ?? 'jsonl',
        session: url.searchParams.get('session') || null,
        ids: ids ? ids.split(',').filter(Boolean) : null,
      },
    ]);
    return sendExport(res, service, request);
  }
  if (method === 'POST' && path === '/api/export/ticket') {
    // A link the browser downloads by itself carries this ticket, good for one download only.
    const wire = await wireOf(req, url, {}, LARGE_BODY_BYTES);
    const raw = argsFrom(EXPORT_ROUTE, argNames('export.build'), wire);
    const [request] = checkArguments('export.build', raw);
    return sendJson(res, 201, tickets.issue(request));
  }
  const matched = API_ROUTES.match(method, path);
  if (!matched) throw new HttpError(404, `No API route ${method} ${path}`);
  const { channel, route, params } = matched;
  const names = argNames(channel);
  if (route.upload) return upload(req, res, url, service, route, params);
  const body = takesBody(route, names) ? (route.maxBodyBytes ?? SMALL_BODY_BYTES) : null;
  const args = checkArguments(channel, argsFrom(route, names, await wireOf(req, url, params, body)));
  if (route.answer === 'file') {
    // Streamed record by record: the same code as the channel's handler, into the response.
    return sendExport(res, service, args[0] as ExportRequest);
  }
  const result = await callWith(service.handlers, channel, args);
  if (result === null && route.notFound) throw new HttpError(404, route.notFound(args));
  if (route.answer === 'empty') {
    res.writeHead(route.status ?? 204).end();
    return;
  }
  return sendJson(res, route.status ?? 200, result);
}

/** A request as the table's mappings take it: path parameters, query, the JSON body (up to `maxBody`, or none). */
async function wireOf(
  req: IncomingMessage,
  url: URL,
  params: Record<string, string>,
  maxBody: number | null,
): Promise<WireRequest> {
  const query: Record<string, string | null> = {};
  for (const key of url.searchParams.keys()) query[key] = url.searchParams.get(key) || null;
  let body: unknown;
  if (maxBody !== null) {
    const text = await readBody(req, maxBody);
    if (text.trim() !== '') body = parseJson(text);
  }
  return { params, query, body };
}

/** An upload (an import): only its name is an argument; the body is streamed to a file, never held. */
async function upload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  service: InspectorService,
  route: HttpRoute,
  params: Record<string, string>,
): Promise<void> {
  const maxBytes = route.maxBodyBytes ?? SMALL_BODY_BYTES;
  refuseByHead(req, maxBytes);
  const raw = argsFrom(route, argNames('import.load'), await wireOf(req, url, params, null));
  // The name gets the same checks as over IPC; the content is checked as it streams in.
  const [{ name }] = checkArguments('import.load', raw);
  // Streamed to a file and parsed in a worker thread: never held whole, never on this thread.
  const imported = await service.importStream(
    name,
    req,
    maxBytes,
    () => new HttpError(413, `Bodies over ${maxBytes} bytes are refused`),
  );
  return sendJson(res, route.status ?? 200, imported);
}

/** An export as a download, streamed record by record (a failure midway cuts the download). */
async function sendExport(
  res: ServerResponse,
  service: InspectorService,
  request: ExportRequest,
): Promise<void> {
  await service.exportTo(request, res, (file) =>
    res.writeHead(200, {
      'content-type': file.mimeType,
      'content-disposition': attachmentDisposition(file.fileName),
    }),
  );
  res.end();
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
