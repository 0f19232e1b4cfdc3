import { arr, isRecord, nonEmptyStr, num, rec, str } from '../wire/json-fields.ts';

/** An error as Gemini states it, in the words the other providers' errors are kept in. */
export interface GeminiError {
  /** The canonical status (`RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`). */
  type: string | null;
  /** The first detail's reason (`API_KEY_INVALID`), else the code (the HTTP status it maps to). */
  code: string | null;
  message: string;
}

/**
 * The error of a Gemini (or Vertex AI) error body or in-band stream chunk:
 * `{"error":{"code","message","status","details"}}`, also as the one element of the JSON array
 * `streamGenerateContent` answers with; null when the JSON is not one. Given the HTTP status the
 * body came with, a numeric code that only repeats it is left out.
 */
export function geminiErrorOf(json: unknown, httpStatus?: number): GeminiError | null {
  const top = Array.isArray(json) && json.length === 1 ? rec(json[0]) : rec(json);
  const error = rec(top?.error);
  if (error === null) return null;
  let reason: string | null = null;
  for (const detail of arr(error.details)) {
    reason = isRecord(detail) ? nonEmptyStr(detail.reason) : null;
    if (reason !== null) break;
  }
  const code = num(error.code);
  const numeric = code === null || code === httpStatus ? null : String(code);
  return {
    type: nonEmptyStr(error.status),
    code: reason ?? (code === null ? nonEmptyStr(error.code) : numeric),
    message: str(error.message) ?? '',
  };
}
