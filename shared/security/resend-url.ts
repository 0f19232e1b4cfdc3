import { resendPathProblem } from './origin-relative-path.ts';

/**
 * The one URL a resend of `path` may go to: the path on Tokentap's own proxy. Built with `URL`
 * and checked to have the proxy's origin, so no recorded path (`@evil:80/…`, `//evil/…`) can
 * send the request, and the key it carries, anywhere else. Throws an Error saying why not.
 */
export function resendUrl(proxyUrl: string, path: string): URL {
  const proxy = new URL(proxyUrl);
  const problem = resendPathProblem(path);
  if (problem !== null)
    throw new Error(
      `Refusing to resend: the recorded path ${JSON.stringify(path.slice(0, 80))} ${problem}, so it could go to another host than Tokentap's proxy`,
    );
  const url = new URL(proxy.origin + path);
  if (url.origin !== proxy.origin || url.username !== '' || url.password !== '')
    throw new Error(
      `Refusing to resend: ${JSON.stringify(path.slice(0, 80))} would go to ${url.origin}, not to Tokentap's proxy at ${proxy.origin}`,
    );
  return url;
}
