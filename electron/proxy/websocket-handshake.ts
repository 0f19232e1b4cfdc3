import type { FoundSecret, HeaderMap } from '../../shared/exchange/capture-events.ts';
import { REDACTED } from '../../shared/security/redact-headers.ts';
import { requestHeadersToForward } from './forward-headers.ts';

/**
 * Headers of the WebSocket handshake itself: they describe this one connection, and the `ws`
 * client makes its own for the upstream leg (key, version, extensions; the subprotocols are
 * passed to it separately, so that it checks the upstream's choice).
 */
const HANDSHAKE_HEADERS = new Set([
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
]);

/** Browsers cannot set headers on a WebSocket, so OpenAI takes the key in a subprotocol. */
const KEY_PROTOCOL_PREFIX = 'openai-insecure-api-key.';

/** The request headers to send upstream: as for HTTP, minus the handshake's own. */
export function upgradeHeadersToForward(rawHeaders: string[]): Record<string, string | string[]> {
  const forwarded = requestHeadersToForward(rawHeaders);
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < forwarded.length; i += 2) {
    const name = forwarded[i] as string;
    const lower = name.toLowerCase();
    if (HANDSHAKE_HEADERS.has(lower)) continue;
    const value = forwarded[i + 1] as string;
    const before = out[lower];
    out[lower] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return out;
}

/** Upstream handshake response headers worth passing to the client (request ids, rate limits). */
export function upgradeResponseHeadersToForward(
  headers: Record<string, string | string[] | undefined>,
): string[] {
  const lines: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    const lower = name.toLowerCase();
    if (value === undefined || HANDSHAKE_HEADERS.has(lower)) continue;
    if (lower === 'connection' || lower === 'upgrade' || lower === 'content-length') continue;
    if (lower === 'transfer-encoding' || lower === 'keep-alive' || lower === 'date') continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      // A value Node's parser let through may still hold characters a header line cannot.
      if (/^[\t\x20-\x7e\x80-\xff]*$/.test(one)) lines.push(`${name}: ${one}`);
    }
  }
  return lines;
}

/** The subprotocols a client offered (`Sec-WebSocket-Protocol`, comma-separated, maybe repeated). */
export function offeredProtocols(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
}

/** The API key a browser put in an `openai-insecure-api-key.<key>` subprotocol, or null. */
export function keyInProtocols(protocols: readonly string[]): string | null {
  for (const protocol of protocols) {
    if (protocol.startsWith(KEY_PROTOCOL_PREFIX) && protocol.length > KEY_PROTOCOL_PREFIX.length)
      return protocol.slice(KEY_PROTOCOL_PREFIX.length);
  }
  return null;
}

/**
 * A header map with the key inside `Sec-WebSocket-Protocol` replaced (the rest of the header, the
 * real subprotocols, stays readable); the keys found go to `found` for scrubbing.
 */
export function redactKeyProtocol(headers: HeaderMap, found: FoundSecret[]): HeaderMap {
  const value = headers['sec-websocket-protocol'];
  if (value === undefined) return headers;
  const redactOne = (text: string): string =>
    text
      .split(',')
      .map((part) => {
        const protocol = part.trim();
        if (!protocol.startsWith(KEY_PROTOCOL_PREFIX)) return part;
        found.push({ name: 'sec-websocket-protocol', value: protocol.slice(KEY_PROTOCOL_PREFIX.length) });
        return part.replace(protocol, `${KEY_PROTOCOL_PREFIX}${REDACTED}`);
      })
      .join(',');
  return {
    ...headers,
    'sec-websocket-protocol': Array.isArray(value) ? value.map(redactOne) : redactOne(value),
  };
}
