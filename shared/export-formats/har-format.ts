import type { HeaderMap } from '../exchange/capture-events.ts';
import { type ExchangeLifecycle, lifecycleOf } from '../exchange/exchange-lifecycle.ts';
import type { BodyHole, CapturedBody, ExchangeRecord } from '../exchange/exchange-record.ts';
import { upgradeRecord } from '../exchange/exchange-record-upgrade.ts';
import {
  arrayOf,
  boolean,
  checkFields,
  integer,
  object,
  type Shape,
  string,
} from '../exchange/shape-check.ts';
import {
  EXCHANGE_RECORD_FIELDS,
  EXCHANGE_RECORD_OPTIONAL_FIELDS,
  validateExchangeRecord,
} from '../exchange/validate-exchange-record.ts';
import type { WebSocketClose } from '../exchange/websocket-record.ts';
import { base64Length } from '../wire/body-bytes.ts';
import { isRecord } from '../wire/json-fields.ts';
import { HAR_ENTRY_FIELDS, HAR_ENTRY_OPTIONAL_FIELDS } from './har-entry-shape.ts';
import { harToHeaderMap, headerMapToHar } from './har-headers.ts';
import type { Har, HarEntry, HarRequest, HarResponse, HarTimings } from './har-types.ts';
import { harUrlOf, pathOfHarUrl, queryStringOf } from './har-url.ts';
import { harWebSocketFields, messagesFromHar } from './har-websocket.ts';

/**
 * Tokentap's HAR 1.2 form of a session. The standard fields carry what HAR has words for (method,
 * URL, headers, bodies, status, timings) so any HAR viewer shows the traffic; the decoded SSE or
 * JSON text is in `response.content.text`. Everything else of the record rides along in
 * `_`-prefixed fields (`_chunks`, `_usage`, `_tenant`, `_merged`…), so that a Tokentap HAR imports
 * back into exactly the records it was made from.
 */

/** Marks an entry written by Tokentap, and the version of its `_` fields. */
export const TOKENTAP_HAR_MARK = '_tokentap';
const TOKENTAP_HAR_VERSION = 1;

// Record fields with no HAR equivalent, carried as `_<name>` on the entry in this order.
const CARRIED = [
  'id',
  'seq',
  'api',
  'model',
  'stream',
  'tenant',
  'organization',
  'project',
  'status',
  'state',
  'usage',
  'costUsd',
  'timings',
  'error',
  'integrity',
  'streamError',
  'merged',
  'gaps',
  'chunks',
] as const satisfies readonly (keyof ExchangeRecord)[];

// Optional record fields, carried as `_<name>` only when the record has them.
const CARRIED_OPTIONAL = [
  'resentFrom',
  'replayOf',
  'upstream',
  'provider',
] as const satisfies readonly (keyof ExchangeRecord)[];

// The thread fields (issue 14), carried as `_thread`, `_delta`, `_cache`, `_context`, `_socketTurns` when present.
const THREAD_FIELDS = [
  'thread',
  'delta',
  'cache',
  'context',
  'socketTurns',
] as const satisfies readonly (keyof ExchangeRecord)[];

export interface HarExportOptions {
  /** Tokentap's version, for `log.creator.version`. */
  version: string;
}

/** A HAR 1.2 document of the records, which `harToRecords` turns back into the very same records. */
export function recordsToHar(records: readonly ExchangeRecord[], options: HarExportOptions): Har {
  return {
    log: {
      version: '1.2',
      creator: { name: 'Tokentap', version: options.version },
      entries: records.map(recordToHarEntry),
    },
  };
}

/**
 * The text of `recordsToHar` as `JSON.stringify(har, null, 2)` writes it, in three kinds of
 * pieces, so that a session of any size is written out one entry at a time: `head`, then
 * `entry(record, i)` for each record, then `tail(count)`. Joined, they are that very text.
 */
export function harTextPieces(options: HarExportOptions): {
  head: string;
  entry(record: ExchangeRecord, index: number): string;
  tail(count: number): string;
} {
  const shell = JSON.stringify(recordsToHar([], options), null, 2);
  const at = shell.indexOf('"entries": []') + '"entries": ['.length;
  const head = shell.slice(0, at);
  const rest = shell.slice(at + 1);
  // Entries sit three levels deep: six spaces before each of their lines.
  const indent = '      ';
  return {
    head,
    entry: (record, index) =>
      `${index === 0 ? '\n' : ',\n'}${indent}${JSON.stringify(recordToHarEntry(record), null, 2).replaceAll('\n', `\n${indent}`)}`,
    tail: (count) => (count === 0 ? `]${rest}` : `\n    ]${rest}`),
  };
}

/** One record as a HAR entry with Tokentap's `_` fields. */
export function recordToHarEntry(record: ExchangeRecord): HarEntry {
  const url = harUrlOf(record.path, record.request.headers);
  const entry: HarEntry = {
    startedDateTime: record.startedAt,
    time: Math.max(0, record.timings.totalMs ?? 0),
    request: harRequest(record, url),
    response: harResponse(record),
    cache: {},
    timings: harTimings(record),
    [TOKENTAP_HAR_MARK]: TOKENTAP_HAR_VERSION,
  };
  // The URL had to be escaped or given a host the path did not name: keep the path as it was.
  if (pathOfHarUrl(url) !== record.path) entry._path = record.path;
  for (const key of CARRIED) entry[`_${key}`] = record[key];
  for (const key of CARRIED_OPTIONAL) if (record[key] !== undefined) entry[`_${key}`] = record[key];
  for (const key of THREAD_FIELDS) if (record[key] !== undefined) entry[`_${key}`] = record[key];
  if (record.websocket)
    Object.assign(entry, harWebSocketFields(record.websocket, Date.parse(record.startedAt)));
  return entry;
}

/** True for an entry written by Tokentap (it carries the `_` fields a lossless import needs). */
export function isTokentapHarEntry(entry: unknown): boolean {
  return isRecord(entry) && entry[TOKENTAP_HAR_MARK] !== undefined;
}

const carriedFields: Record<string, Shape> = Object.fromEntries(
  CARRIED.map((key) => [`_${key}`, EXCHANGE_RECORD_FIELDS[key]]),
);
const carriedOptionalFields: Record<string, Shape> = Object.fromEntries(
  [...CARRIED_OPTIONAL, ...THREAD_FIELDS].map((key) => [`_${key}`, EXCHANGE_RECORD_OPTIONAL_FIELDS[key]]),
);
const bodyExtras: Record<string, Shape> = {
  _arrayHeaders: arrayOf(string),
  _bodyTruncated: boolean,
  _holes: arrayOf(object({ at: integer, bytes: integer })),
};

/**
 * The record a Tokentap HAR entry was made from. Throws an Error whose message is the reason
 * relative to the entry (`missing field \`_usage\``).
 */
export function tokentapHarEntryToRecord(value: unknown): ExchangeRecord {
  if (!isRecord(value)) throw new Error('not an object');
  const reason =
    checkFields(value, '', HAR_ENTRY_FIELDS, HAR_ENTRY_OPTIONAL_FIELDS) ??
    checkFields(value, '', carriedFields, { _path: string, ...carriedOptionalFields }) ??
    checkFields(value, '', {
      request: object({ bodySize: EXCHANGE_RECORD_FIELDS.seq }, bodyExtras),
      response: object({ bodySize: EXCHANGE_RECORD_FIELDS.seq }, { ...bodyExtras, _noResponse: boolean }),
    });
  if (reason !== null) throw new Error(reason);
  const entry = value as unknown as HarEntry;
  const carried = entry as unknown as { [K in (typeof CARRIED)[number] as `_${K}`]: ExchangeRecord[K] };
  const { request, response } = entry;
  const record: ExchangeRecord = {
    id: carried._id,
    seq: carried._seq,
    startedAt: entry.startedDateTime,
    method: request.method,
    path: typeof entry._path === 'string' ? entry._path : pathOfHarUrl(request.url),
    api: carried._api,
    model: carried._model,
    tenant: carried._tenant,
    stream: carried._stream,
    status: carried._status,
    // Checked, and brought from an older encoding, with the whole record below.
    ...lifecycleOf({ state: carried._state, error: carried._error } as ExchangeLifecycle),
    usage: carried._usage,
    costUsd: carried._costUsd,
    timings: carried._timings,
    organization: carried._organization,
    project: carried._project,
    request: capturedBody(request, request.postData?.text ?? '', request.postData?.encoding),
    response:
      response._noResponse === true
        ? null
        : capturedBody(response, response.content.text ?? '', response.content.encoding),
    chunks: carried._chunks,
    gaps: carried._gaps,
    merged: carried._merged,
    integrity: carried._integrity,
    streamError: carried._streamError,
  };
  for (const key of CARRIED_OPTIONAL) {
    const value = entry[`_${key}`];
    if (typeof value === 'string') record[key] = value;
  }
  // Thread fields are objects, arrays or null; their shapes were checked with the other carried fields.
  for (const key of THREAD_FIELDS) {
    const value = entry[`_${key}`];
    if (value !== undefined) Object.assign(record, { [key]: value });
  }
  const messages = messagesFromHar(entry._webSocketMessages, Date.parse(entry.startedDateTime));
  if (messages !== null)
    record.websocket = { messages, close: (entry._webSocketClose as WebSocketClose | undefined) ?? null };
  // The parts checked one by one above; this guards the assembled whole.
  const wrong = validateExchangeRecord(record);
  if (wrong !== null) throw new Error(wrong);
  return upgradeRecord(record);
}

function capturedBody(
  message: HarRequest | HarResponse,
  body: string,
  encoding: string | undefined,
): CapturedBody {
  const arrayNames = message._arrayHeaders as string[] | undefined;
  const captured: CapturedBody = {
    headers: harToHeaderMap(message.headers, arrayNames),
    body,
    bodyTruncated: message._bodyTruncated === true,
    bodyBytes: message.bodySize,
  };
  if (encoding === 'base64') captured.encoding = 'base64';
  else if (encoding !== undefined) throw new Error(`body encoding \`${encoding}\` is not base64`);
  const holes = message._holes as BodyHole[] | undefined;
  if (holes !== undefined) captured.holes = holes;
  return captured;
}

function harRequest(record: ExchangeRecord, url: string): HarRequest {
  const captured = record.request;
  const { headers, body, bodyBytes } = captured;
  const har = headerMapToHar(headers);
  const request: HarRequest = {
    method: record.method,
    url,
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: har.list,
    queryString: queryStringOf(url),
    headersSize: -1,
    bodySize: bodyBytes,
  };
  if (body !== '') {
    request.postData = { mimeType: first(headers['content-type']) ?? 'application/octet-stream', text: body };
    // HAR 1.2 has `encoding` on response content only; Chrome and others write it on postData too.
    if (captured.encoding) request.postData.encoding = captured.encoding;
  }
  addBodyExtras(request, har.arrayNames, captured);
  return request;
}

function harResponse(record: ExchangeRecord): HarResponse {
  const captured = record.response;
  const status = record.status ?? 0;
  if (captured === null) {
    // HAR has no way to say "no response"; status 0 is what browsers write for a failed request.
    return {
      status,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _noResponse: true,
    };
  }
  const { headers, body, bodyBytes } = captured;
  const har = headerMapToHar(headers);
  const content: HarResponse['content'] = {
    size: captured.encoding === 'base64' ? base64Length(body) : utf8Length(body),
    mimeType: first(headers['content-type']) ?? 'x-unknown',
    text: body,
  };
  if (captured.encoding) content.encoding = captured.encoding;
  const response: HarResponse = {
    status,
    statusText: STATUS_TEXT[status] ?? '',
    httpVersion: 'HTTP/1.1',
    cookies: [],
    headers: har.list,
    content,
    redirectURL: first(headers.location) ?? '',
    headersSize: -1,
    bodySize: bodyBytes,
  };
  addBodyExtras(response, har.arrayNames, captured);
  return response;
}

function addBodyExtras(
  message: HarRequest | HarResponse,
  arrayNames: string[],
  captured: CapturedBody,
): void {
  if (arrayNames.length > 0) message._arrayHeaders = arrayNames;
  if (captured.bodyTruncated) message._bodyTruncated = true;
  if (captured.holes) message._holes = captured.holes;
}

function harTimings(record: ExchangeRecord): HarTimings {
  // HAR's phases must add up to `time`: waiting is up to the response headers, receiving the rest.
  const total = Math.max(0, record.timings.totalMs ?? 0);
  const wait = Math.min(total, Math.max(0, record.timings.headersMs ?? total));
  const receive = Math.round((total - wait) * 1000) / 1000;
  return { blocked: -1, dns: -1, connect: -1, send: 0, wait, receive, ssl: -1 };
}

function first(value: HeaderMap[string] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  529: 'Overloaded',
};
