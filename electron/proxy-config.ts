import { parseAllowedOrigins } from './proxy/allowed-origins.ts';
import { type ListenAddress, parseListenAddress } from './proxy/listen-address.ts';
import { DEFAULT_HEADERS_TIMEOUT_MS } from './proxy/proxy-server.ts';
import { parseRoutes, type RouteEntry } from './proxy/routes.ts';
import { parseUpstream, type UpstreamTarget } from './proxy/upstream-target.ts';

export interface ProxyConfig {
  listen: ListenAddress;
  upstream: UpstreamTarget;
  headersTimeoutMs: number;
  /** Web page origins allowed to call the proxy (`TOKENTAP_ALLOWED_ORIGINS`); absent: none. */
  allowedOrigins?: readonly string[] | undefined;
  /** Routes added to or overriding the built-ins (`TOKENTAP_ROUTES`). */
  routes?: readonly RouteEntry[] | undefined;
  /** Unprefixed Anthropic or Gemini requests go to their routes: UPSTREAM is not set. */
  autoDetect?: boolean | undefined;
}

export const DEFAULT_LISTEN_ADDR = '127.0.0.1:3000';
export const DEFAULT_UPSTREAM = 'https://api.openai.com';

/**
 * Whether unprefixed requests that are unmistakably Anthropic or Gemini go to those routes: only
 * while the upstream is the default (UPSTREAM not set, or set to the default itself).
 */
export function autoDetectsProviders(upstream: UpstreamTarget): boolean {
  return upstream.url === DEFAULT_UPSTREAM;
}

/**
 * Reads `LISTEN_ADDR`, `UPSTREAM` (the proof of concept's names), `TOKENTAP_HEADERS_TIMEOUT_MS`,
 * `TOKENTAP_ALLOWED_ORIGINS` and `TOKENTAP_ROUTES`.
 * Throws an error naming the variable when a value is not usable.
 */
export function proxyConfigFromEnv(env: NodeJS.ProcessEnv): ProxyConfig {
  const timeout = env.TOKENTAP_HEADERS_TIMEOUT_MS;
  const headersTimeoutMs =
    timeout === undefined || timeout === '' ? DEFAULT_HEADERS_TIMEOUT_MS : Number(timeout);
  if (!Number.isFinite(headersTimeoutMs) || headersTimeoutMs <= 0) {
    throw new Error(`TOKENTAP_HEADERS_TIMEOUT_MS: "${timeout}" is not a positive number of milliseconds`);
  }
  const upstream = withVariable('UPSTREAM', () => parseUpstream(env.UPSTREAM || DEFAULT_UPSTREAM));
  return {
    listen: withVariable('LISTEN_ADDR', () => parseListenAddress(env.LISTEN_ADDR || DEFAULT_LISTEN_ADDR)),
    upstream,
    headersTimeoutMs,
    allowedOrigins: withVariable('TOKENTAP_ALLOWED_ORIGINS', () =>
      parseAllowedOrigins(env.TOKENTAP_ALLOWED_ORIGINS ?? ''),
    ),
    routes: withVariable('TOKENTAP_ROUTES', () => parseRoutes(env.TOKENTAP_ROUTES ?? '')),
    autoDetect: autoDetectsProviders(upstream),
  };
}

/** Runs a parse, prefixing its error with where the value came from (`UPSTREAM: …`). */
export function withVariable<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}
