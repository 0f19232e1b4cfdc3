import type { UpstreamTarget } from './upstream-target.ts';

/**
 * The `ws://`/`wss://` URL an upgrade request goes to: the same target the HTTP path uses
 * (origin plus path prefix plus the request's path and query), `wss` for an `https` upstream.
 * The one place the relay picks its target, so a route resolver can take its place.
 */
export function websocketTargetUrl(upstream: UpstreamTarget, requestUrl: string): string {
  const origin = upstream.origin.startsWith('https:')
    ? `wss:${upstream.origin.slice('https:'.length)}`
    : `ws:${upstream.origin.slice('http:'.length)}`;
  return origin + upstream.pathPrefix + requestUrl;
}
