import type { HeaderMap } from '../exchange/capture-events.ts';

/** Where a record's path is shown when the request named no usable host. */
export const PLACEHOLDER_ORIGIN = 'http://tokentap.local';

const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
// What RFC 3986 allows in a path and query, besides `%XX` escapes.
const URI_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?]/;

/**
 * A full URL for a record's path (path and query, as the client sent them): the `Host` header's
 * origin, or a placeholder. Characters a URI may not hold are percent-encoded, so the HAR stays valid.
 */
export function harUrlOf(path: string, headers: HeaderMap): string {
  if (ORIGIN.test(path) && escapeForUri(path) === path) return path;
  const host = headers.host;
  const origin = typeof host === 'string' && HOST.test(host) ? `http://${host}` : PLACEHOLDER_ORIGIN;
  const safe = escapeForUri(path);
  return origin + (safe.startsWith('/') ? safe : `/${safe}`);
}

/** The path and query of a URL, exactly as written in it (no normalisation); `/` when it has none. */
export function pathOfHarUrl(url: string): string {
  const rest = url.replace(ORIGIN, '');
  const noFragment = rest.includes('#') ? rest.slice(0, rest.indexOf('#')) : rest;
  if (noFragment === '') return '/';
  return noFragment.startsWith('/') ? noFragment : `/${noFragment}`;
}

/** HAR's `queryString`: the URL's query parameters, decoded. */
export function queryStringOf(url: string): { name: string; value: string }[] {
  const path = pathOfHarUrl(url);
  const start = path.indexOf('?');
  if (start === -1) return [];
  const out: { name: string; value: string }[] = [];
  for (const part of path.slice(start + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out.push({
      name: decode(eq === -1 ? part : part.slice(0, eq)),
      value: eq === -1 ? '' : decode(part.slice(eq + 1)),
    });
  }
  return out;
}

function escapeForUri(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (URI_SAFE.test(c) || (c === '%' && /^[0-9a-f]{2}$/i.test(text.slice(i + 1, i + 3)))) {
      out += c;
      continue;
    }
    const code = text.codePointAt(i) as number;
    const char = String.fromCodePoint(code);
    // A lone surrogate cannot be UTF-8 encoded; U+FFFD stands in (the exact path is kept aside).
    out += code >= 0xd800 && code <= 0xdfff ? '%EF%BF%BD' : encodeURIComponent(char);
    i += char.length - 1;
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
