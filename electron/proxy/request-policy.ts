import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Why the proxy answers a request itself instead of forwarding it. */
export interface Refusal {
  status: 400 | 403;
  code: 'absolute_form_target' | 'host_not_allowed' | 'origin_not_allowed';
  message: string;
}

// Accepted `Host` values repeat on every request; remembering them keeps the check to one lookup.
const HOST_CACHE_LIMIT = 64;

/**
 * Which requests the proxy serves at all. The port carries the user's API keys, so web pages
 * must not use it: a request that carries a browser `Origin` (or `Sec-Fetch-Site: cross-site`
 * or `same-site`) is refused unless its origin is allowed, and a `Host` that is not a loopback
 * name, an IP address, the listen host or an allowed origin's host is refused (a page on
 * evil.example whose name was rebound to 127.0.0.1 sends `Host: evil.example`). Absolute-form
 * targets (`GET http://elsewhere/…`, a client using Tokentap as HTTP_PROXY) are refused too:
 * Tokentap is a reverse proxy to one upstream, never a forward proxy.
 */
export class RequestPolicy {
  readonly #origins: ReadonlySet<string>;
  readonly #hostNames: ReadonlySet<string>;
  readonly #acceptedHosts = new Set<string>();

  constructor(listenHost: string, allowedOrigins: readonly string[]) {
    this.#origins = new Set(allowedOrigins);
    const names = new Set([listenHost.toLowerCase()]);
    for (const origin of allowedOrigins) names.add(new URL(origin).hostname);
    this.#hostNames = names;
  }

  /** A refusal for this request, or null when it may be served. */
  check(req: IncomingMessage): Refusal | null {
    const url = req.url ?? '/';
    if (url.charCodeAt(0) !== 47 && !(url === '*' && req.method === 'OPTIONS')) return absoluteForm(url);
    const { host, origin } = req.headers;
    // No Host at all is an HTTP/1.0 client, never a browser.
    if (host !== undefined && !this.#hostAllowed(host)) return hostRefused(host);
    if (origin !== undefined) return this.#originAllowed(origin, host) ? null : originRefused(origin);
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return siteRefused(site);
    return null;
  }

  /** The request's `Origin` when it is an allowed cross-origin one (its response needs CORS headers). */
  corsOrigin(req: IncomingMessage): string | null {
    const { origin } = req.headers;
    return origin !== undefined && this.#origins.has(origin) ? origin : null;
  }

  #hostAllowed(host: string): boolean {
    if (this.#acceptedHosts.has(host)) return true;
    const name = hostName(host);
    if (name === null) return false;
    const bare = name.startsWith('[') ? name.slice(1, -1) : name;
    const ok =
      isIP(bare) !== 0 ||
      name === 'localhost' ||
      name.endsWith('.localhost') ||
      this.#hostNames.has(name) ||
      this.#hostNames.has(bare);
    if (ok) {
      if (this.#acceptedHosts.size >= HOST_CACHE_LIMIT) this.#acceptedHosts.clear();
      this.#acceptedHosts.add(host);
    }
    return ok;
  }

  #originAllowed(origin: string, host: string | undefined): boolean {
    if (this.#origins.has(origin)) return true;
    // A page served through the proxy itself (an upstream's own docs page) is same-origin.
    return host !== undefined && origin === `http://${host.toLowerCase()}`;
  }
}

/** The host name of a `Host` value, lower-case, without port or trailing dot; null when malformed. */
function hostName(host: string): string | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/@]+)(?::\d{0,5})?$/.exec(host);
  if (!match) return null;
  return (match[1] as string).toLowerCase().replace(/\.$/, '');
}

function absoluteForm(url: string): Refusal {
  const shown = url.length > 120 ? `${url.slice(0, 120)}…` : url;
  return {
    status: 400,
    code: 'absolute_form_target',
    message: `Tokentap is not a forward proxy: the request target "${shown}" is not a path. Use Tokentap's address as the SDK's base URL (e.g. http://127.0.0.1:3000/v1), not as HTTP_PROXY.`,
  };
}

function hostRefused(host: string): Refusal {
  return {
    status: 403,
    code: 'host_not_allowed',
    message: `Tokentap refused a request for Host "${host.slice(0, 120)}": the proxy answers only to localhost, IP addresses and its listen address (a web page's name rebound to this machine must not reach it). List the origin in TOKENTAP_ALLOWED_ORIGINS to allow its host.`,
  };
}

function originRefused(origin: string): Refusal {
  return {
    status: 403,
    code: 'origin_not_allowed',
    message: `Tokentap refused a request from the web page origin "${origin.slice(0, 120)}": web pages may use the proxy only from origins listed in TOKENTAP_ALLOWED_ORIGINS (or the proxy settings).`,
  };
}

function siteRefused(site: string): Refusal {
  return {
    status: 403,
    code: 'origin_not_allowed',
    message: `Tokentap refused a browser request from another site (Sec-Fetch-Site: ${site}): web pages may use the proxy only from origins listed in TOKENTAP_ALLOWED_ORIGINS (or the proxy settings).`,
  };
}
