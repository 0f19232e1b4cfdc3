/** Short forms of long texts for previews and side-by-side values. */

/** Whitespace other than a single space: where collapsing changes a text at all. */
const COLLAPSIBLE = /[^\S ]| {2}/;

/**
 * The text with each run of whitespace made one space, trimmed. Nearly every short text has
 * nothing to collapse: it is then only trimmed, without the regular expression's replace (which
 * allocates a new string and its match state even when nothing changes).
 */
export function collapseWhitespace(text: string): string {
  return COLLAPSIBLE.test(text) ? text.replace(/\s+/g, ' ').trim() : text.trim();
}

/** The text with whitespace collapsed, cut to `max` characters (an ellipsis marks the cut). */
export function preview(text: string, max: number): string {
  // Only the start is shown: collapse the whitespace of that much, not of a 40 KB prompt.
  const flat = collapseWhitespace(text.slice(0, max * 4 + 64));
  return flat.length <= max && text.length <= max * 4 + 64 ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * The two texts around the first character where they differ, each cut to `max` characters
 * (starting a little before the difference, an ellipsis marking each cut), so a change deep in a
 * long system prompt is visible side by side.
 */
export function aroundFirstDifference(
  before: string,
  after: string,
  max = 300,
): { before: string; after: string } {
  let i = 0;
  const n = Math.min(before.length, after.length);
  while (i < n && before.charCodeAt(i) === after.charCodeAt(i)) i++;
  const start = Math.max(0, i - 60);
  const cut = (text: string): string => {
    const head = start > 0 ? '…' : '';
    const body = text.slice(start, start + max - head.length);
    return head + body + (start + body.length < text.length ? '…' : '');
  };
  return { before: cut(before), after: cut(after) };
}
