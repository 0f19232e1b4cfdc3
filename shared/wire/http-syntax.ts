/**
 * What HTTP allows in the parts of a response Tokentap writes from a recording. Node's
 * `writeHead` throws on anything else, so a recording is checked with these on import and a
 * replay never hands a bad one to it.
 */

// RFC 9110 §5.6.2 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 §5.5 field values as Node checks them: tab, visible ASCII, space and obs-text.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A valid header field name (`content-type`, `x-request-id`). */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/** A header field value HTTP/1.1 can carry (no CR, LF, NUL or other controls). */
export function isHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}

/** A method name (`POST`, `PROPFIND`). */
export function isMethod(method: string): boolean {
  return TOKEN.test(method);
}

/** A status code Node can write (three digits, 100 to 999). */
export function isStatusCode(status: number): boolean {
  return Number.isInteger(status) && status >= 100 && status <= 999;
}
