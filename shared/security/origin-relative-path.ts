/**
 * Why a recorded request target cannot be sent again as it is, or null when it is an
 * origin-relative path (`/v1/chat/completions?x=1`) or the asterisk form (`*`, `OPTIONS *`).
 * Anything else, glued to an origin, would name another host: `@evil:80/v1` turns the origin
 * into userinfo, `//evil/v1` and `/\evil/v1` are network paths, control characters split
 * or end a request line. Recordings come from files anyone can write, so this is checked
 * on import and again before a resend.
 */
export function originRelativePathProblem(path: string): string | null {
  if (path === '*') return null;
  if (!path.startsWith('/')) return 'must start with `/` (an origin-relative path)';
  const second = path[1];
  if (second === '/' || second === '\\') return 'must not start with `//` or `/\\` (a path to another host)';
  const query = path.indexOf('?');
  if ((query === -1 ? path : path.slice(0, query)).includes('\\'))
    return 'must not hold a backslash before its query';
  // C0 controls and DEL end or split a request line. (A space is escaped where a URL is built;
  // bytes above 0x7f stay: a raw UTF-8 path reaches Node as latin1, 0x80-0x9f included.)
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return 'must not hold control characters';
  }
  return null;
}

/** Why a recorded path cannot be resent (the asterisk form names no resource), or null. */
export function resendPathProblem(path: string): string | null {
  return path === '*' ? 'is not a path (`*`)' : originRelativePathProblem(path);
}
