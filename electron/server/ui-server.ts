import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { ExportFormat, ExportRequest, Settings } from '../../shared/inspector-contract.ts';
import { ARGUMENT_CHECKS } from '../bridge/ipc-arguments.ts';
import { UpdateBatcher } from '../bridge/update-batcher.ts';
import type { InspectorService } from '../inspector-service.ts';
import { formatListenAddress, type ListenAddress } from '../proxy/listen-address.ts';
import { checkReplayStartRequest, checkResendRequest } from '../replay/replay-arguments.ts';
import { RequestGuard } from './request-guard.ts';
import { serveStatic } from './static-files.ts';

export interface UiServerOptions {
  listen: ListenAddress;
  service: InspectorService;
  /** Where the built renderer is (dist/renderer). */
  rendererDir: string;
  /** Fixed token (`TOKENTAP_TOKEN`); random when absent. */
  token?: string | undefined;
}

export interface RunningUiServer {
  /** `http://127.0.0.1:3001` */
  readonly url: string;
  /** The URL to open, with the token. */
  readonly openUrl: string;
  readonly token: string;
  close(): Promise<void>;
}

/** Imports can be large HAR files; anything bigger is refused rather than buffered. */
const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * The headless UI: the built renderer plus an HTTP + WebSocket API over the same handlers the
 * Electron IPC gateway exposes. Loopback by default, Host/Origin checked, a token on every call.
 */
export async function startUiServer(options: UiServerOptions): Promise<RunningUiServer> {
  const { service } = options;
  const token = options.token || randomBytes(24).toString('base64url');
  const sockets = new Set<Socket>();
  let guard: RequestGuard | undefined;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 400;
      sendJson(res, status, { error: { message: (error as Error).message } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const problem = guard?.hostProblem(req);
    if (problem) throw new HttpError(403, problem);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Only GET here');
      await serveStatic(options.rendererDir, url.pathname, res);
      return;
    }
    if (!guard?.hasToken(req, url)) {
      throw new HttpError(
        401,
        'Missing or wrong token: open the URL `npm run serve` printed, with its ?token=',
      );
    }
    await route(req, res, url, service);
  }

  const webSockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/api/events') return refuse(404, 'Not Found');
    if (guard?.hostProblem(req)) return refuse(403, 'Forbidden');
    if (!guard?.hasToken(req, url)) return refuse(401, 'Unauthorized');
    webSockets.handleUpgrade(req, socket, head, (ws) => {
      const batcher = new UpdateBatcher({ send: (batch) => ws.send(JSON.stringify(batch)) });
      const unsubscribe = service.subscribe(batcher);
      batcher.ready();
      ws.on('close', () => {
        unsubscribe();
        batcher.close();
      });
    });
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `Cannot serve the UI on ${formatListenAddress(options.listen)}: ${error.code ?? error.message}`,
        ),
      ),
    );
    server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  guard = new RequestGuard(token, bound.port, options.listen.host);
  const url = `http://${formatListenAddress({ host: options.listen.host, port: bound.port })}`;
  return {
    url,
    openUrl: `${url}/?token=${encodeURIComponent(token)}`,
    token,
    async close() {
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
): Promise<void> {
  const { handlers } = service;
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const session = url.searchParams.get('session') || null;
  const exchange = /^\/api\/exchanges\/([^/]+)$/.exec(path);
  const sessionPath = /^\/api\/sessions\/([^/]+)$/.exec(path);
  const resend = /^\/api\/exchanges\/([^/]+)\/resend$/.exec(path);

  if (method === 'GET' && path === '/api/status') return sendJson(res, 200, await handlers['status.get']());
  if (method === 'PUT' && path === '/api/settings') {
    const body = (await readJson(req)) as {
      listenAddr?: unknown;
      upstream?: unknown;
      allowedOrigins?: unknown;
    };
    if (typeof body.listenAddr !== 'string' || typeof body.upstream !== 'string') {
      throw new HttpError(400, 'Settings need "listenAddr" and "upstream" strings');
    }
    if (body.allowedOrigins !== undefined && typeof body.allowedOrigins !== 'string') {
      throw new HttpError(400, 'Settings\' "allowedOrigins" must be a string (comma-separated origins)');
    }
    const settings: Settings = { listenAddr: body.listenAddr, upstream: body.upstream };
    if (body.allowedOrigins !== undefined) settings.allowedOrigins = body.allowedOrigins;
    return sendJson(res, 200, await handlers['settings.update'](settings));
  }
  if (method === 'POST' && path === '/api/capture') {
    const body = (await readJson(req)) as { paused?: unknown };
    if (typeof body.paused !== 'boolean') throw new HttpError(400, 'Send {"paused": true|false}');
    return sendJson(res, 200, await handlers['capture.setPaused'](body.paused));
  }
  if (method === 'GET' && path === '/api/exchanges')
    return sendJson(res, 200, await handlers['exchanges.list'](session));
  if (method === 'GET' && exchange) {
    const record = await handlers['exchanges.get'](decodeURIComponent(exchange[1] as string), session);
    if (!record) throw new HttpError(404, `No exchange "${exchange[1]}" in this session`);
    return sendJson(res, 200, record);
  }
  if (method === 'POST' && resend) {
    // The body holds the edits ({body?, model?, apiKey?}); an empty body resends as captured.
    const text = await readBody(req);
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
    const request = checkReplayStartRequest({ session, ...((await readJson(req)) as object) });
    return sendJson(res, 200, await handlers['replay.start'](request));
  }
  if (method === 'DELETE' && path === '/api/replay')
    return sendJson(res, 200, await handlers['replay.stop']());
  if (method === 'GET' && path === '/api/usage')
    return sendJson(res, 200, await handlers['usage.get'](session));
  if (method === 'GET' && path === '/api/sessions')
    return sendJson(res, 200, await handlers['sessions.list']());
  if (method === 'POST' && path === '/api/sessions')
    return sendJson(res, 201, await handlers['sessions.create']());
  if (method === 'DELETE' && sessionPath) {
    await handlers['sessions.delete'](decodeURIComponent(sessionPath[1] as string));
    res.writeHead(204).end();
    return;
  }
  if (method === 'GET' && path === '/api/export') {
    // Whole sessions (a link can download them); a selection of rows is POSTed, see below.
    const format = url.searchParams.get('format') ?? 'jsonl';
    if (format !== 'har' && format !== 'jsonl') throw new HttpError(400, 'format must be har or jsonl');
    const ids = url.searchParams.get('ids');
    return sendExport(res, service, {
      format: format as ExportFormat,
      session,
      ids: ids ? ids.split(',').filter(Boolean) : null,
    });
  }
  if (method === 'POST' && path === '/api/export') {
    // The filtered rows can be thousands of ids: too many for a URL, so they come as a JSON body.
    const json = await readJson(req);
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new HttpError(400, 'Send {"format": "har"|"jsonl", "session": id|null, "ids": [...]|null}');
    const body = json as { format?: unknown; session?: unknown; ids?: unknown };
    const [request] = ARGUMENT_CHECKS['export.build']([
      { format: body.format ?? 'jsonl', session: body.session ?? session, ids: body.ids ?? null },
    ]);
    return sendExport(res, service, request);
  }
  if (method === 'POST' && path === '/api/import') {
    const name = url.searchParams.get('name') || 'import';
    const content = await readBody(req);
    return sendJson(res, 201, await handlers['import.load']({ name, content }));
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
      'content-disposition': `attachment; filename="${file.fileName.replace(/["\\\r\n]/g, '_')}"`,
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

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_IMPORT_BYTES)
      throw new HttpError(413, `Bodies over ${MAX_IMPORT_BYTES} bytes are refused`);
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body is not JSON');
  }
}
