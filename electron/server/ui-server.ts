import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ExportRequest } from '../../shared/inspector-contract.ts';
import { ARGUMENT_CHECKS } from '../bridge/ipc-arguments.ts';
import type { InspectorService } from '../inspector-service.ts';
import { formatListenAddress, type ListenAddress } from '../proxy/listen-address.ts';
import { listenOn } from '../proxy/listen-error.ts';
import { checkReplayStartRequest, checkResendRequest } from '../replay/replay-arguments.ts';
import { isSessionId } from '../sessions/session-store.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { type DownloadTicketOptions, DownloadTickets } from './download-tickets.ts';
import {
  DEFAULT_LIVE_FEED_LIMITS,
  LiveFeedClient,
  type LiveFeedClientState,
  type LiveFeedLimits,
} from './live-feed-client.ts';
import { HttpError, readBody, readJson, refuseByHead } from './request-body.ts';
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

/** Imports can be large HAR files; anything bigger is refused rather than buffered. */
const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** Settings, pause, replay: a few fields. */
const MAX_SMALL_BODY_BYTES = 64 * 1024;
/** An export's or a ticket's ids (up to a million), a resend's edited request body. */
const MAX_LARGE_BODY_BYTES = 64 * 1024 * 1024;
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

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  service: InspectorService,
  tickets: DownloadTickets,
): Promise<void> {
  const { handlers } = service;
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const session = sessionIdOrNull(url.searchParams.get('session') || null);
  const exchange = /^\/api\/exchanges\/([^/]+)$/.exec(path);
  const sessionPath = /^\/api\/sessions\/([^/]+)$/.exec(path);
  const resend = /^\/api\/exchanges\/([^/]+)\/resend$/.exec(path);
  const thread = /^\/api\/threads\/([^/]+)$/.exec(path);

  if (method === 'GET' && path === '/api/status') return sendJson(res, 200, await handlers['status.get']());
  if (method === 'PUT' && path === '/api/settings') {
    // The same checks (types, lengths) as over IPC.
    const [settings] = ARGUMENT_CHECKS['settings.update']([await readJson(req, MAX_SMALL_BODY_BYTES)]);
    return sendJson(res, 200, await handlers['settings.update'](settings));
  }
  if (method === 'POST' && path === '/api/capture') {
    const body = (await readJson(req, MAX_SMALL_BODY_BYTES)) as { paused?: unknown };
    if (typeof body.paused !== 'boolean') throw new HttpError(400, 'Send {"paused": true|false}');
    return sendJson(res, 200, await handlers['capture.setPaused'](body.paused));
  }
  if (method === 'GET' && path === '/api/exchanges')
    return sendJson(res, 200, await handlers['exchanges.list'](session));
  if (method === 'GET' && exchange) {
    const [id] = ARGUMENT_CHECKS['exchanges.get']([decodeURIComponent(exchange[1] as string), session]);
    const record = await handlers['exchanges.get'](id, session);
    if (!record) throw new HttpError(404, `No exchange "${exchange[1]}" in this session`);
    return sendJson(res, 200, record);
  }
  if (method === 'POST' && resend) {
    // The body holds the edits ({body?, model?, apiKey?}); an empty body resends as captured.
    const text = await readBody(req, MAX_LARGE_BODY_BYTES);
    let edits: unknown = {};
    if (text.trim() !== '') {
      try {
        edits = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'The body is not JSON');
      }
    }
    const request = checkResendRequest({
      session,
      ...(edits as object),
      id: decodeURIComponent(resend[1] as string),
    });
    return sendJson(res, 201, await handlers['exchanges.resend'](request));
  }
  if (method === 'POST' && path === '/api/replay') {
    const request = checkReplayStartRequest({
      session,
      ...((await readJson(req, MAX_SMALL_BODY_BYTES)) as object),
    });
    return sendJson(res, 200, await handlers['replay.start'](request));
  }
  if (method === 'DELETE' && path === '/api/replay')
    return sendJson(res, 200, await handlers['replay.stop']());
  if (method === 'GET' && path === '/api/search') {
    const [text] = ARGUMENT_CHECKS['search.text']([url.searchParams.get('text') ?? '', session]);
    return sendJson(res, 200, await handlers['search.text'](text, session));
  }
  if (method === 'GET' && path === '/api/threads')
    return sendJson(res, 200, await handlers['threads.list'](session));
  if (method === 'GET' && thread) {
    const [id] = ARGUMENT_CHECKS['threads.get']([decodeURIComponent(thread[1] as string), session]);
    const detail = await handlers['threads.get'](id, session);
    if (!detail) throw new HttpError(404, `No thread "${thread[1]}" in this session`);
    return sendJson(res, 200, detail);
  }
  if (method === 'GET' && path === '/api/usage')
    return sendJson(res, 200, await handlers['usage.get'](session));
  if (method === 'GET' && path === '/api/sessions')
    return sendJson(res, 200, await handlers['sessions.list']());
  if (method === 'POST' && path === '/api/sessions')
    return sendJson(res, 201, await handlers['sessions.create']());
  if (method === 'DELETE' && sessionPath) {
    // Exactly a session id: `<current>.index` or a path names another file, never a session.
    const id = sessionIdOrNull(decodeURIComponent(sessionPath[1] as string));
    await handlers['sessions.delete'](id as string);
    res.writeHead(204).end();
    return;
  }
  if (method === 'GET' && path === '/api/export') {
    // Whole sessions, with the token in the header (the page's own fetch); links use tickets.
    const format = url.searchParams.get('format') ?? 'jsonl';
    const ids = url.searchParams.get('ids');
    const [request] = ARGUMENT_CHECKS['export.build']([
      { format, session, ids: ids ? ids.split(',').filter(Boolean) : null },
    ]);
    return sendExport(res, service, request);
  }
  if (method === 'POST' && (path === '/api/export' || path === '/api/export/ticket')) {
    // The filtered rows can be thousands of ids: too many for a URL, so they come as a JSON body.
    const json = await readJson(req, MAX_LARGE_BODY_BYTES);
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new HttpError(400, 'Send {"format": "har"|"jsonl", "session": id|null, "ids": [...]|null}');
    const body = json as { format?: unknown; session?: unknown; ids?: unknown };
    const [request] = ARGUMENT_CHECKS['export.build']([
      {
        format: body.format ?? 'jsonl',
        session: body.session === undefined ? session : sessionIdOrNull(body.session),
        ids: body.ids ?? null,
      },
    ]);
    // A link the browser downloads by itself carries this ticket, good for one download only.
    if (path === '/api/export/ticket') return sendJson(res, 201, tickets.issue(request));
    return sendExport(res, service, request);
  }
  if (method === 'POST' && path === '/api/import') {
    refuseByHead(req, MAX_IMPORT_BYTES);
    // The name gets the same checks as over IPC; the content is checked as it streams in.
    const [{ name }] = ARGUMENT_CHECKS['import.load']([
      { name: url.searchParams.get('name') || 'import', content: '' },
    ]);
    // Streamed to a file and parsed in a worker thread: never held whole, never on this thread.
    const imported = await service.importStream(
      name,
      req,
      MAX_IMPORT_BYTES,
      () => new HttpError(413, `Bodies over ${MAX_IMPORT_BYTES} bytes are refused`),
    );
    return sendJson(res, 201, imported);
  }
  throw new HttpError(404, `No API route ${method} ${path}`);
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

/** A session id from a request, checked to be exactly one (400 otherwise); null stays null. */
function sessionIdOrNull(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !isSessionId(value))
    throw new HttpError(400, `Invalid session id ${JSON.stringify(value).slice(0, 100)}`);
  return value;
}
