/**
 * The baseline: a bare `node:http` reverse proxy that pipes bytes both ways with a keep-alive
 * agent and captures nothing. It shows what any Node proxy costs, so Tokentap's own share of
 * the added latency can be told apart from the cost of an extra hop.
 */
import { closeSync, openSync, writev } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

/**
 * The least a capturing proxy must do per exchange, on the forwarding thread and nothing more: keep
 * both bodies' bytes and append them to a file as they are, after a one-line JSON head (method,
 * URL, both header sets, status, times, body sizes), batched every 50 ms in one `writev`. No
 * parsing, no string made of a body, no analysis, worker, index or UI: what Node costs to write
 * down every exchange at all, the floor under any design that records them.
 */
class ExchangeFile {
  readonly #fd: number;
  #parts: Buffer[] = [];
  #pendingExchanges = 0;
  #writing = false;
  #timer: NodeJS.Timeout | null = null;
  written = 0;

  constructor(path: string) {
    this.#fd = openSync(path, 'a', 0o600);
  }

  append(head: object, requestParts: Buffer[], responseParts: Buffer[]): void {
    this.#parts.push(Buffer.from(`${JSON.stringify(head)}\n`), ...requestParts, ...responseParts);
    this.#pendingExchanges++;
    this.#timer ??= setTimeout(this.#flush, 50);
  }

  #flush = (): void => {
    this.#timer = null;
    if (this.#writing || this.#parts.length === 0) return;
    const parts = this.#parts;
    const exchanges = this.#pendingExchanges;
    this.#parts = [];
    this.#pendingExchanges = 0;
    this.#writing = true;
    // writev takes at most IOV_MAX (1024) buffers a call.
    const next = (from: number): void => {
      if (from >= parts.length) {
        this.written += exchanges;
        this.#writing = false;
        if (this.#parts.length > 0) this.#timer ??= setTimeout(this.#flush, 50);
        return;
      }
      writev(this.#fd, parts.slice(from, from + 1024), () => next(from + 1024));
    };
    next(0);
  };

  close(): void {
    closeSync(this.#fd);
  }
}

/** `recordTo`: a file the floor capture appends each exchange to (see ExchangeFile). */
export async function startBareProxy(
  upstreamUrl: string,
  recordTo?: string,
): Promise<{ url: string; server: Server; recorded(): number; close(): void }> {
  const upstream = new URL(upstreamUrl);
  const exchanges = recordTo ? new ExchangeFile(recordTo) : null;
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, keepAliveMsecs: 30_000 });
  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const startedAt = Date.now();
    const t0 = performance.now();
    const requestParts: Buffer[] = [];
    const responseParts: Buffer[] = [];
    if (exchanges) req.on('data', (part: Buffer) => requestParts.push(part));
    const out = request(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
      },
      (upstreamRes) => {
        const resHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) resHeaders[name] = value;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, resHeaders);
        res.flushHeaders();
        if (exchanges) {
          upstreamRes.on('data', (part: Buffer) => responseParts.push(part));
          upstreamRes.on('end', () => {
            let requestBytes = 0;
            for (const part of requestParts) requestBytes += part.length;
            let responseBytes = 0;
            for (const part of responseParts) responseBytes += part.length;
            exchanges.append(
              {
                startedAt: new Date(startedAt).toISOString(),
                method: req.method,
                url: req.url,
                requestHeaders: req.headers,
                requestBytes,
                status: upstreamRes.statusCode,
                responseHeaders: upstreamRes.headers,
                responseBytes,
                totalMs: performance.now() - t0,
              },
              requestParts,
              responseParts,
            );
          });
        }
        upstreamRes.pipe(res);
      },
    );
    out.setNoDelay(true);
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    recorded: () => exchanges?.written ?? 0,
    close: () => exchanges?.close(),
  };
}
