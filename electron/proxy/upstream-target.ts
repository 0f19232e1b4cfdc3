/** Where requests are forwarded: an origin plus an optional path prefix (`http://host:8080/openai`). */
export interface UpstreamTarget {
  origin: string;
  /** Path prefix without a trailing slash; '' when the upstream URL has none. */
  pathPrefix: string;
  /** The URL as configured, for display. */
  url: string;
}

/** Parses `UPSTREAM`; throws an error naming the value when it is not an http(s) URL. */
export function parseUpstream(text: string): UpstreamTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`Invalid upstream "${text}": expected an http(s) URL, e.g. https://api.openai.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Invalid upstream "${text}": only http and https are supported`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(
      `Invalid upstream "${text}": it may carry a path prefix but no query, fragment or credentials`,
    );
  }
  return {
    origin: url.origin,
    pathPrefix: url.pathname.replace(/\/+$/, ''),
    url: url.href.replace(/\/+$/, ''),
  };
}
