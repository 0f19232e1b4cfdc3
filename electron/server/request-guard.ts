import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may talk to the UI server: requests addressed to it by a loopback name (DNS rebinding
 * protection: a hostile page's host name never matches), from no origin or its own origin, and —
 * for the API — carrying the token.
 */
export class RequestGuard {
  readonly #token: Buffer;
  readonly #hosts: Set<string>;

  constructor(token: string, port: number, bindHost: string) {
    this.#token = Buffer.from(token);
    const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
    names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
    this.#hosts = new Set([...names].map((name) => `${name}:${port}`.toLowerCase()));
  }

  /** Why the request's Host or Origin is not acceptable, or null when it is. */
  hostProblem(req: IncomingMessage): string | null {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.#hosts.has(host)) return `Host "${host}" is not this server`;
    const origin = req.headers.origin;
    if (origin === undefined) return null;
    // `Origin: null` is a sandboxed iframe, a data: URL or a file: page: never this server's own.
    if (origin === 'null') return 'Origin "null" may not use this server';
    let originHost: string;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      return `Origin "${origin}" is not valid`;
    }
    if (!this.#hosts.has(originHost)) return `Origin "${origin}" may not use this server`;
    return null;
  }

  /**
   * True when the request carries the token in `Authorization: Bearer`. A query string's token is
   * only looked at where `url` is given (the WebSocket, which a browser cannot give a header):
   * elsewhere a URL with the token would end up in history, logs and shared links.
   */
  hasToken(req: IncomingMessage, url?: URL): boolean {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : url?.searchParams.get('token');
    return given ? this.isToken(given) : false;
  }

  /** Compares in constant time. */
  isToken(given: string): boolean {
    const candidate = Buffer.from(given);
    return candidate.length === this.#token.length && timingSafeEqual(candidate, this.#token);
  }
}
