import { parseAllowedOrigins } from './proxy/allowed-origins.ts';
import { type ListenAddress, parseListenAddress } from './proxy/listen-address.ts';
import { DEFAULT_HEADERS_TIMEOUT_MS } from './proxy/proxy-server.ts';
import { parseUpstream, type UpstreamTarget } from './proxy/upstream-target.ts';

export interface ProxyConfig {
  listen: ListenAddress;
  upstream: UpstreamTarget;
  headersTimeoutMs: number;
  /** Web page origins allowed to call the proxy (`TOKENTAP_ALLOWED_ORIGINS`); absent: none. */
  allowedOrigins?: readonly string[] | undefined;
}

export const DEFAULT_LISTEN_ADDR = '127.0.0.1:3000';
export const DEFAULT_UPSTREAM = 'https://api.openai.com';

/**
 * Reads `LISTEN_ADDR`, `UPSTREAM` (the proof of concept's names), `TOKENTAP_HEADERS_TIMEOUT_MS`
 * and `TOKENTAP_ALLOWED_ORIGINS`.
 * Throws an error naming the variable when a value is not usable.
 */
export function proxyConfigFromEnv(env: NodeJS.ProcessEnv): ProxyConfig {
  const timeout = env.TOKENTAP_HEADERS_TIMEOUT_MS;
  const headersTimeoutMs =
    timeout === undefined || timeout === '' ? DEFAULT_HEADERS_TIMEOUT_MS : Number(timeout);
  if (!Number.isFinite(headersTimeoutMs) || headersTimeoutMs <= 0) {
    throw new Error(`TOKENTAP_HEADERS_TIMEOUT_MS: "${timeout}" is not a positive number of milliseconds`);
  }
  return {
    listen: withVariable('LISTEN_ADDR', () => parseListenAddress(env.LISTEN_ADDR || DEFAULT_LISTEN_ADDR)),
    upstream: withVariable('UPSTREAM', () => parseUpstream(env.UPSTREAM || DEFAULT_UPSTREAM)),
    headersTimeoutMs,
    allowedOrigins: withVariable('TOKENTAP_ALLOWED_ORIGINS', () =>
      parseAllowedOrigins(env.TOKENTAP_ALLOWED_ORIGINS ?? ''),
    ),
  };
}

function withVariable<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
}
