import type { IncomingHttpHeaders } from 'node:http';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) plus `host`, which undici sets from the upstream origin.
 * `content-length` is kept: the body is forwarded unchanged, so it stays true.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // Tokentap's own control header (a resend's link to its original): consumed, never forwarded.
  'x-tokentap-resent-from',
]);

/** Copies raw request headers (`[name, value, …]`) minus hop-by-hop ones, keeping order, case and repeats. */
export function requestHeadersToForward(rawHeaders: string[]): string[] {
  const nominated = connectionNominated(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || nominated?.has(lower)) continue;
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
    if (value === undefined || HOP_BY_HOP.has(name) || nominated?.has(name)) continue;
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
