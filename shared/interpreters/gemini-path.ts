/** The model methods of Gemini's native API that Tokentap reads. */
export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

/** A call to Gemini's native API (or Vertex AI's), as its path names it. */
export interface GeminiCall {
  /** `gemini-2.5-flash`; a tuned model or a Vertex endpoint keeps its collection (`tunedModels/t`, `endpoints/123`). */
  model: string;
  method: GeminiMethod;
}

// `…/models/M:method` (Gemini's /v1beta, /v1, /v1alpha; Vertex's …/publishers/google/models/M),
// `…/tunedModels/T:method`, and Vertex's deployed `…/endpoints/E:method`.
const MODEL_CALL =
  /\/(models|tunedModels|endpoints)\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;
const VERSION = /\/v\d+(?:alpha|beta)?\d*\//;

/** The model and method a Gemini path (with or without its query) names, or null when it names none. */
export function geminiCall(path: string): GeminiCall | null {
  const end = path.search(/[?#]/);
  const p = end === -1 ? path : path.slice(0, end);
  const match = MODEL_CALL.exec(p);
  if (match === null || !VERSION.test(p)) return null;
  const [, collection, raw, method] = match as unknown as [string, string, string, GeminiMethod];
  const id = decode(raw);
  return { model: collection === 'models' ? id : `${collection}/${id}`, method };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * True when a response to this call is a streamed JSON array: `streamGenerateContent` answered
 * with JSON (asked without `alt=sse`) and a success status (a failure's body is one error object).
 */
export function isJsonArrayStream(path: string, status: number, contentType: string): boolean {
  return (
    status >= 200 &&
    status < 300 &&
    /json/i.test(contentType) &&
    !/ndjson|jsonl/i.test(contentType) &&
    geminiCall(path)?.method === 'streamGenerateContent'
  );
}
