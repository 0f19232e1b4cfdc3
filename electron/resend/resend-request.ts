import { keyVariableOf } from '../../shared/client/api-key-variable.ts';
import type { ResendRequest } from '../../shared/contract/inspector-contract.ts';
import { RESENT_FROM_HEADER, TOKENTAP_HEADER_PREFIX } from '../../shared/contract/tokentap-headers.ts';
import type { HeaderMap } from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { ApiKind } from '../../shared/interpreters/api-kind.ts';
import { resendPathProblem } from '../../shared/security/origin-relative-path.ts';
import { isSecretHeader } from '../../shared/security/redact-headers.ts';
import { fillRedactedQuery, hasRedactedQuery } from '../../shared/security/redact-query.ts';
import { isRecord } from '../../shared/wire/json-fields.ts';

/** A captured request made ready to send again. */
export interface ResendPlan {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  /** Text, or the bytes of a binary body (recorded as base64). */
  body: string | Buffer | null;
}

// Framing and connection headers are the new request's own; secrets were never recorded.
const DROPPED = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
]);

/** The headers the providers take a key in (OpenAI, Anthropic, Azure, Gemini). */
const KEY_HEADERS: ReadonlySet<string> = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key']);

/** Where the key comes from when the user gives none, per API. */
function envKeyNames(api: ApiKind): string[] {
  const variable = keyVariableOf(api);
  // Azure's SDK also takes the OpenAI variable.
  return variable === 'AZURE_OPENAI_API_KEY' ? [variable, 'OPENAI_API_KEY'] : [variable];
}

/**
 * The request to send for a resend: the captured method, path, headers and body, with the edits
 * applied (`body`, then `model`), Tokentap's link header, and the API key from the request or the
 * environment, in the header the original used (or its URL). Recordings hold no keys (their auth
 * headers and `?key=` values read `[redacted]`), so a request that carried one cannot be resent
 * without one: that throws.
 */
export function resendPlan(
  record: ExchangeRecord,
  edits: Pick<ResendRequest, 'body' | 'model' | 'apiKey'>,
  env: NodeJS.ProcessEnv,
  nonce: string,
): ResendPlan {
  let body = edits.body ?? record.request.body;
  if (edits.body === undefined && record.request.bodyTruncated)
    throw new Error(
      `The captured request body was cut at ${Buffer.byteLength(record.request.body)} of ${record.request.bodyBytes} bytes; send an edited body to resend it`,
    );
  if (edits.body === undefined && record.request.holes)
    throw new Error(
      'Parts of the captured request body were not captured (analysis fell behind); send an edited body to resend it',
    );
  if (edits.model !== undefined) body = withModel(body, edits.model);
  const binary = edits.body === undefined && record.request.encoding === 'base64';

  const headers: Record<string, string | string[]> = {};
  let keyHeader: string | null = null;
  for (const [name, value] of Object.entries(record.request.headers as HeaderMap)) {
    const lower = name.toLowerCase();
    if (isSecretHeader(lower)) {
      if (KEY_HEADERS.has(lower)) keyHeader ??= lower;
      continue;
    }
    // HTTP/2 pseudo-headers (`:path`, from a browser's HAR) are the request line, not headers.
    if (DROPPED.has(lower) || lower.startsWith(TOKENTAP_HEADER_PREFIX) || lower.startsWith(':')) continue;
    headers[lower] = value;
  }
  const names = envKeyNames(record.api);
  // The environment only fills in a key header the original carried; a key given goes where the
  // original's went (its URL, when that is where it was).
  const envKey =
    keyHeader === null ? undefined : names.map((n) => env[n]).find((v) => typeof v === 'string' && v !== '');
  const urlKeyOnly = keyHeader === null && hasRedactedQuery(record.path);
  const key = urlKeyOnly ? undefined : edits.apiKey || envKey;
  if (key) {
    keyHeader ??=
      record.api === 'anthropic.messages'
        ? 'x-api-key'
        : record.api.startsWith('azure.')
          ? 'api-key'
          : record.api.startsWith('gemini.')
            ? 'x-goog-api-key'
            : 'authorization';
    headers[keyHeader] = keyHeader === 'authorization' ? `Bearer ${key}` : key;
  } else if (keyHeader !== null) {
    throw new Error(
      `This request carried an API key, and recordings never keep keys: give one, or set ${names.join(' or ')} for Tokentap`,
    );
  }
  headers[RESENT_FROM_HEADER] = `${record.id}; nonce=${nonce}`;
  return {
    method: record.method,
    path: resendPath(record.path, edits.apiKey),
    headers,
    body: body === '' ? null : binary ? Buffer.from(body, 'base64') : body,
  };
}

/** A key that was in the URL (`?key=`) was redacted too; only the user can give it back. */
function resendPath(path: string, apiKey: string | undefined): string {
  // A recording is a file anyone can write: its path must not lead to another host (the
  // resender checks the final URL again).
  const problem = resendPathProblem(path);
  if (problem !== null) throw new Error(`This request's path ${problem}, so it cannot be resent`);
  if (!hasRedactedQuery(path)) return path;
  if (!apiKey)
    throw new Error(
      'This request carried a key in its URL, and recordings never keep keys: give one to resend it',
    );
  return fillRedactedQuery(path, apiKey);
}

function withModel(body: string, model: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error('The request body is not JSON, so its model cannot be changed');
  }
  if (!isRecord(json))
    throw new Error('The request body is not a JSON object, so its model cannot be changed');
  json.model = model;
  return JSON.stringify(json);
}

/** The nonce of a resend's link header (`<id>; nonce=<n>`), or null. */
export function resendNonce(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return /;\s*nonce=([^;\s]+)/.exec(text ?? '')?.[1] ?? null;
}
