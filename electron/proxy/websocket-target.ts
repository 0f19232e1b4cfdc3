import type { ResolvedRoute } from './routes.ts';

/**
 * The `ws://`/`wss://` URL an upgrade request goes to: the route's origin and the path the HTTP
 * path would send (route prefix stripped, the target's own prefix added), `wss` for an `https`
 * upstream.
 */
export function websocketTargetUrl(route: ResolvedRoute): string {
  const { origin } = route.target;
  const ws = origin.startsWith('https:')
    ? `wss:${origin.slice('https:'.length)}`
    : `ws:${origin.slice('http:'.length)}`;
  return ws + route.path;
}
