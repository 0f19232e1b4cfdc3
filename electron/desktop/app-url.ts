/**
 * Whether `url` is the app's own page: for a `file://` app the same file (any hash or query),
 * for the Vite dev server the same origin. Anything else (a navigated-away frame, an iframe of
 * another site) is a foreign sender.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(appUrl);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') {
    return (
      actual.protocol === 'file:' && actual.host === expected.host && actual.pathname === expected.pathname
    );
  }
  return actual.origin === expected.origin;
}

/** A link the page asked to open: http(s) URLs go to the system browser, anything else nowhere. */
export function externalUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
