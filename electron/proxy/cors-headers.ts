import type { IncomingMessage, ServerResponse } from 'node:http';

/** True for a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(req: IncomingMessage): boolean {
  return (
    req.method === 'OPTIONS' &&
    req.headers.origin !== undefined &&
    req.headers['access-control-request-method'] !== undefined
  );
}

/**
 * Answers an allowed origin's preflight here (it never goes upstream, so it works whatever the
 * upstream's CORS policy): the method and headers it asks for are allowed, for ten minutes, and
 * Chrome's Private Network Access question (a public page calling localhost) is answered yes.
 */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, origin: string): void {
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': String(req.headers['access-control-request-method']),
    'access-control-max-age': '600',
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'content-length': '0',
  };
  const asked = req.headers['access-control-request-headers'];
  if (asked) headers['access-control-allow-headers'] = asked;
  if (req.headers['access-control-request-private-network'] === 'true')
    headers['access-control-allow-private-network'] = 'true';
  res.writeHead(204, headers);
  res.end();
}

/** Lets an allowed origin's page read the response, unless the upstream already said who may. */
export function addCorsHeaders(headers: Record<string, string | string[]>, origin: string): void {
  if (headers['access-control-allow-origin'] !== undefined) return;
  headers['access-control-allow-origin'] = origin;
  headers['access-control-expose-headers'] ??= '*';
  const vary = headers.vary;
  headers.vary = vary === undefined ? 'Origin' : `${Array.isArray(vary) ? vary.join(', ') : vary}, Origin`;
}
