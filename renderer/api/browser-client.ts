import { channelMethods } from '../../shared/contract/channel-methods.ts';
import { CHANNEL_TABLE } from '../../shared/contract/channels.ts';
import { argNames } from '../../shared/contract/check-arguments.ts';
import { fillPath, type HttpRoute, wireFor } from '../../shared/contract/http-route.ts';
import type {
  Channel,
  ExportFile,
  ExportLinks,
  ExportRequest,
  InspectorApi,
  InspectorRequests,
  LiveUpdate,
} from '../../shared/contract/inspector-contract.ts';
import { downloadFile, downloadUrl } from '../download.ts';
import type { CallOptions, CancellableApi } from './call-options.ts';

const TOKEN_KEY = 'tokentap.token';

export interface BrowserClientOptions {
  /** Origin of the headless server, e.g. `http://127.0.0.1:3001`; defaults to the page's. */
  origin?: string;
  /** The API token; defaults to `?token=` of the page URL. */
  token?: string | null;
  WebSocket?: typeof WebSocket;
}

/**
 * The token from the page's `?token=`, remembered for this tab (a reload still works) and then
 * taken out of the address bar, so it stays out of history, bookmarks and shared screenshots.
 */
export function tokenFromLocation(): string | null {
  try {
    const here = new URL(window.location.href);
    const fromUrl = here.searchParams.get('token');
    if (fromUrl) {
      window.sessionStorage.setItem(TOKEN_KEY, fromUrl);
      here.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', here.pathname + here.search + here.hash);
      return fromUrl;
    }
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** A 404 answer: `exchanges.get` turns it into null. */
class NotFound extends Error {}

/** An error answer's message: `{"error":{"message"}}` from the server, or the status line. */
async function errorFrom(response: Response): Promise<Error> {
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string' && body.error.message !== '') message = body.error.message;
  } catch {
    // Not JSON: the status line says enough.
  }
  return response.status === 404 ? new NotFound(message) : new Error(message);
}

/** `attachment; filename="a.har"` or `filename*=UTF-8''a%20b.har` to the file name. */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star?.[2]) {
    try {
      return decodeURIComponent(star[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // Fall through to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  const name = plain?.[2] ?? plain?.[1];
  return name ? name.trim() : fallback;
}

/** Reads a response body as text, reporting bytes as they arrive. */
async function readText(response: Response, options: CallOptions): Promise<string> {
  const onProgress = options.onProgress;
  if (!onProgress || !response.body) return response.text();
  const lengthHeader = response.headers.get('content-length');
  const total = lengthHeader === null ? null : Number(lengthHeader);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.byteLength;
    parts.push(decoder.decode(value, { stream: true }));
    onProgress({ loaded, total: total !== null && Number.isFinite(total) ? total : null });
  }
  parts.push(decoder.decode());
  return parts.join('');
}

type Listener = (batch: LiveUpdate[]) => void;

/**
 * `InspectorApi` over the headless server's HTTP API and its `/api/events` WebSocket: what the UI uses
 * in a browser, where there is no preload bridge. Its methods and their requests are derived from
 * the channel table, as the server's routes are.
 */
export function createBrowserClient(
  opts: BrowserClientOptions = {},
): InspectorApi & CancellableApi & Required<ExportLinks> {
  const origin = opts.origin ?? window.location.origin;
  const token = opts.token === undefined ? tokenFromLocation() : opts.token;
  const WebSocketImpl = opts.WebSocket ?? globalThis.WebSocket;

  function url(path: string, query: Record<string, string | null | undefined> = {}): string {
    const u = new URL(path, origin);
    for (const [key, value] of Object.entries(query)) if (value != null) u.searchParams.set(key, value);
    return u.toString();
  }

  async function send(
    options: CallOptions,
    method: string,
    path: string,
    query: Record<string, string | null | undefined> = {},
    body?: { text: string; type: string },
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) headers['Content-Type'] = body.type;
    const init: RequestInit = { method, headers };
    if (body) init.body = body.text;
    if (options.signal) init.signal = options.signal;
    const response = await fetch(url(path, query), init);
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  /** One call of a channel, as the channel table says it travels over HTTP. */
  async function call(options: CallOptions, channel: Channel, args: readonly unknown[]): Promise<unknown> {
    const route: HttpRoute = CHANNEL_TABLE[channel].http;
    const wire = wireFor(route, argNames(channel), args);
    const body =
      wire.body === undefined
        ? undefined
        : wire.contentType
          ? { text: String(wire.body), type: wire.contentType }
          : { text: JSON.stringify(wire.body), type: 'application/json' };
    let response: Response;
    try {
      response = await send(options, route.method, fillPath(route.path, wire.params), wire.query, body);
    } catch (error) {
      if (error instanceof NotFound && route.notFound) return null;
      throw error;
    }
    if (route.answer === 'empty') return undefined;
    const text = await readText(response, options);
    if (route.answer === 'file') {
      return {
        fileName: fileNameFromDisposition(response.headers.get('content-disposition'), 'tokentap-export'),
        mimeType: response.headers.get('content-type') ?? 'application/octet-stream',
        content: text,
      } satisfies ExportFile;
    }
    return text === '' ? undefined : JSON.parse(text);
  }

  function build(options: CallOptions): InspectorApi {
    const api: InspectorApi = {
      // Each answer is the channel's result: the server sends what its handler returned.
      ...channelMethods(
        async (channel, args) =>
          (await call(options, channel, args)) as InspectorRequests[typeof channel]['result'],
      ),
      onUpdates: subscribe,
      // A whole session downloads straight from the server, streamed to disk; else it is built by a
      // call (with this client's progress and cancel) and handed to the browser as a file.
      saveExport: async (request: ExportRequest) => {
        const link = await exportLink(request).catch(() => null);
        if (link) downloadUrl(link);
        else downloadFile(await api.export.build(request));
        return null;
      },
    };
    return api;
  }

  // One socket for all listeners; reconnects with backoff and, since updates may have been missed
  // meanwhile, tells the listeners to reload (a `session` update means "reload the list").
  const listeners = new Set<Listener>();
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let backoffMs = 500;
  let hadConnection = false;

  function emit(batch: LiveUpdate[]): void {
    for (const listener of listeners) listener(batch);
  }

  function connect(): void {
    if (!WebSocketImpl) return;
    const wsUrl = new URL(url('/api/events', { token }));
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocketImpl(wsUrl.toString());
    socket = ws;
    ws.onopen = () => {
      backoffMs = 500;
      if (hadConnection) {
        void build({})
          .status.get()
          .then((status) =>
            emit([
              { type: 'status', status },
              { type: 'session', session: status.session },
            ]),
          )
          .catch(() => undefined);
      }
      hadConnection = true;
    };
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      try {
        const batch = JSON.parse(message.data) as unknown;
        if (Array.isArray(batch)) emit(batch as LiveUpdate[]);
      } catch {
        // A malformed frame is dropped; the next batch carries the current summaries again.
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (listeners.size === 0) return;
      retry = setTimeout(() => {
        retry = null;
        if (listeners.size > 0 && socket === null) connect();
      }, backoffMs);
      backoffMs = Math.min(backoffMs * 2, 10_000);
    };
  }

  function subscribe(listener: Listener): () => void {
    listeners.add(listener);
    if (socket === null && retry === null) connect();
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0) return;
      if (retry !== null) clearTimeout(retry);
      retry = null;
      const ws = socket;
      socket = null;
      ws?.close();
    };
  }

  /** A link the browser downloads by itself: it carries a single-use ticket, never the token. */
  async function exportLink(request: ExportRequest): Promise<string> {
    const body = { text: JSON.stringify(request), type: 'application/json' };
    const response = await send({}, 'POST', '/api/export/ticket', {}, body);
    const { ticket } = (await response.json()) as { ticket: string };
    return url('/api/export', { ticket });
  }

  const base = build({});
  return {
    ...base,
    withOptions: (options: CallOptions) => build(options),
    exportUrl: exportLink,
  };
}
