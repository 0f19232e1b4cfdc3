/**
 * What captured content may turn into on screen. A captured body is anyone's text: it must never
 * make the inspector fetch a URL, run script, or navigate.
 */

/** Raster image data URLs only (SVG can carry script and external references). */
const DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|avif|bmp);base64,[A-Za-z0-9+/]+={0,2}$/i;

/** The source as given when it is an inline raster image from the body itself, else null (never fetched). */
export function safeImageSource(src: string): string | null {
  const trimmed = src.trim();
  return DATA_IMAGE.test(trimmed) ? trimmed : null;
}

/** A link target a person may open in their browser (http, https, mailto), else null (shown as text). */
export function safeLinkTarget(href: string | null | undefined): string | null {
  if (!href) return null;
  try {
    const url = new URL(href.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:'
      ? url.href
      : null;
  } catch {
    // Relative or malformed: it would resolve against the inspector's own origin.
    return null;
  }
}
