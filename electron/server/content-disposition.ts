/**
 * `attachment; filename="…"; filename*=UTF-8''…` for any file name: the plain parameter is printable
 * ASCII with quotes, backslashes and control characters replaced (no header injection, no
 * ERR_INVALID_CHAR from a non-ASCII session name), the starred one keeps the exact name (RFC 6266).
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'download';
  const exact = encodeURIComponent(fileName.toWellFormed()).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
