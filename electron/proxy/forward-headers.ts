import type { IncomingHttpHeaders } from 'node:http';
import { RESENT_FROM_HEADER } from '../../shared/contract/tokentap-headers.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, never the next one. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'transfer-encoding',
  'upgrade',
];

/**
 * Not sent upstream: hop-by-hop headers, `host` (undici sets it from the upstream origin),
 * `expect` (the proxy answers `100 Continue` itself, and undici refuses the header), `trailer`
 * (undici cannot send request trailers) and Tokentap's own control header (a resend's link to
 * its original: consumed, never forwarded). `content-length` is kept: the body is forwarded
 * unchanged, so it stays true.
 */
const NOT_SENT_UPSTREAM = new Set([...HOP_BY_HOP, 'host', 'expect', 'trailer', RESENT_FROM_HEADER]);

/** Not passed to the client: hop-by-hop headers. `trailer` is end-to-end and goes with the trailers. */
const NOT_SENT_DOWNSTREAM = new Set(HOP_BY_HOP);

/** Copies raw request headers (`[name, value, …]`) minus hop-by-hop ones, keeping order, case and repeats. */
export function requestHeadersToForward(rawHeaders: string[]): string[] {
  const nominated = connectionNominated(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (NOT_SENT_UPSTREAM.has(lower) || nominated?.has(lower)) continue;
    out.push(name, rawHeaders[i + 1] as string);
  }
  return out;
}

/** Copies upstream response headers minus hop-by-hop ones, for `res.writeHead`. */
export function responseHeadersToForward(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const connection = headers.connection;
  const nominated = connection ? new Set(splitTokens(String(connection))) : undefined;
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_SENT_DOWNSTREAM.has(name) || nominated?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Header names listed in `Connection:`, which are hop-by-hop too. */
function connectionNominated(rawHeaders: string[]): Set<string> | undefined {
  let nominated: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() !== 'connection') continue;
    nominated ??= new Set();
    for (const token of splitTokens(rawHeaders[i + 1] as string)) nominated.add(token);
  }
  return nominated;
}

function splitTokens(value: string): string[] {
  return value
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter(Boolean);
}
