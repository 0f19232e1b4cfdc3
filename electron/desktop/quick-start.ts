/** Shown when the README has no section to quote. */
export const FALLBACK_QUICK_START =
  'Point your OpenAI-compatible SDK at the proxy: base_url = http://127.0.0.1:3000/v1 (Python) or ' +
  "baseURL: 'http://127.0.0.1:3000/v1' (Node). Your API key stays yours; every request and streamed " +
  'token then appears in this window. For Anthropic, Ollama or Azure, change the upstream in the settings.';

/**
 * The README's "Point an SDK at it" section as plain text for Help → Quick Start (read at build
 * time, so the help matches the README of the build).
 */
export function quickStartFromReadme(markdown: string, heading = 'Point an SDK at it'): string {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex(
    (line) => line.replace(/^#+\s*/, '').trim() === heading && line.startsWith('#'),
  );
  if (start < 0) return FALLBACK_QUICK_START;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2}\s/.test(line)) break;
    if (/^```/.test(line)) continue;
    body.push(line.replace(/`/g, ''));
  }
  const text = body
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text === '' ? FALLBACK_QUICK_START : text;
}
