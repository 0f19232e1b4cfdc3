/**
 * The policy in force when the page declares none: scripts, styles and fonts only from the app
 * itself, no plugins, no <base>, no form posts, no framing.
 */
export const DEFAULT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page's `<meta http-equiv="Content-Security-Policy">` content, if it has one. */
export function cspFromHtml(html: string): string | null {
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/gis)) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["'\s>/]/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/is.exec(tag);
    const value = (content?.[1] ?? content?.[2])?.trim();
    if (value) return value.replace(/\s+/g, ' ');
  }
  return null;
}

/** Sources a strict policy must not allow for scripts: inline code, eval, or any remote host. */
export function scriptSourceProblems(csp: string): string[] {
  const directives = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  const scripts = directives.get('script-src') ?? directives.get('default-src');
  if (!scripts) return ['no script-src or default-src'];
  const problems = scripts.filter(
    (source) =>
      source === "'unsafe-inline'" ||
      source === "'unsafe-eval'" ||
      source === '*' ||
      /^(https?:|data:|blob:)/i.test(source),
  );
  if (directives.get('object-src')?.join(' ') !== "'none'" && !directives.has('default-src')) {
    problems.push('object-src is not restricted');
  }
  return problems;
}
