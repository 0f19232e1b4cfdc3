/**
 * Parses `TOKENTAP_ALLOWED_ORIGINS`-style text: comma- (or space-) separated web origins such as
 * `http://localhost:5173`, each normalised the way browsers send `Origin` (lower-case, no default
 * port, no path). Throws an error naming the first entry that is not an http(s) origin.
 */
export function parseAllowedOrigins(text: string): string[] {
  const origins: string[] = [];
  for (const entry of text.split(/[\s,]+/)) {
    if (entry === '') continue;
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`Invalid allowed origin "${entry}": expected e.g. http://localhost:5173`);
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
      throw new Error(
        `Invalid allowed origin "${entry}": an origin is scheme://host[:port], with no path, e.g. http://localhost:5173`,
      );
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}
