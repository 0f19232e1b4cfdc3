import type { IncomingHttpHeaders } from 'node:http';
import type {
  CaptureEvent,
  ExchangeErrorKind,
  FoundSecret,
  HeaderMap,
  RequestStartEvent,
} from '../../shared/exchange/capture-events.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { checkFields, describe } from '../../shared/exchange/shape-check.ts';
import { validateExchangeRecord } from '../../shared/exchange/validate-exchange-record.ts';
import { HAR_ENTRY_FIELDS, HAR_ENTRY_OPTIONAL_FIELDS } from '../../shared/export-formats/har-entry-shape.ts';
import { harToHeaderMap } from '../../shared/export-formats/har-headers.ts';
import type { HarNameValue, HarTimings } from '../../shared/export-formats/har-types.ts';
import { pathOfHarUrl } from '../../shared/export-formats/har-url.ts';
import { messagesFromHar } from '../../shared/export-formats/har-websocket.ts';
import { originRelativePathProblem } from '../../shared/security/origin-relative-path.ts';
import { redactHeaders } from '../../shared/security/redact-headers.ts';
import { redactQuery } from '../../shared/security/redact-query.ts';
import { SecretScrubber } from '../../shared/security/redact-scrubber.ts';
import { isStatusCode } from '../../shared/wire/http-syntax.ts';
import { isRecord } from '../../shared/wire/json-fields.ts';
import { DEFAULT_LIMITS, defaultAnalyzers } from '../capture/capture-pipeline.ts';
import { ExchangeAssembler } from '../capture/exchange-assembler.ts';
import { apiKeyOf, fingerprintApiKey } from '../proxy/tenant-fingerprint.ts';
import { keyInProtocols, offeredProtocols, redactKeyProtocol } from '../proxy/websocket-handshake.ts';

/** The parts of a foreign entry that `HAR_ENTRY_FIELDS` guarantees, and the extras browsers add. */
interface ForeignEntry {
  startedDateTime: string;
  time?: number;
  timings?: Partial<HarTimings>;
  request: {
    method: string;
    url: string;
    headers: HarNameValue[];
    bodySize?: number;
    postData?: {
      text?: string;
      encoding?: string;
      params?: { name: string; value?: string }[];
    };
  };
  response: {
    status: number;
    headers: HarNameValue[];
    content: { text?: string; encoding?: string };
    bodySize?: number;
    /** Chrome's reason for a failed or cancelled request (`net::ERR_CONNECTION_REFUSED`). */
    _error?: unknown;
  };
  /** Chrome's messages of a WebSocket entry. */
  _webSocketMessages?: unknown;
}

/**
 * The record live capture would have made of a foreign HAR entry (Chrome, Firefox, HTTP Toolkit,
 * mitmproxy): the entry is replayed as capture events through the real analyzers, so API kind,
 * model, tenant, merged result, usage, cost and timings come out exactly as for live traffic.
 * Throws an Error whose message is the reason relative to the entry.
 */
export function foreignHarEntryToRecord(value: unknown, seq: number): ExchangeRecord {
  if (!isRecord(value)) throw new Error('not an object');
  const reason = checkFields(value, '', HAR_ENTRY_FIELDS, HAR_ENTRY_OPTIONAL_FIELDS);
  if (reason !== null) throw new Error(reason);
  const entry = value as unknown as ForeignEntry;
  const { request, response } = entry;
  // The URL's origin is dropped: what is kept must not name a host of its own (see the check).
  const path = pathOfHarUrl(request.url);
  const pathProblem = originRelativePathProblem(path);
  if (pathProblem !== null)
    throw new Error(`field \`request.url\`: its path ${pathProblem}, got ${describe(request.url)}`);
  if (response.status !== 0 && !isStatusCode(response.status))
    throw new Error(
      `field \`response.status\` must be 0 (no response) or from 100 to 999, got ${describe(response.status)}`,
    );
  const id = crypto.randomUUID();
  const phases = phasesOf(entry);

  const rawRequestHeaders = headerMapOf(request.headers);
  const rawPath = pathOfHarUrl(request.url);
  // A browser's Realtime socket carries its key in a subprotocol (`openai-insecure-api-key.<key>`).
  const key =
    apiKeyOf(keyHeaders(rawRequestHeaders), rawPath) ??
    keyInProtocols(offeredProtocols(rawRequestHeaders['sec-websocket-protocol']));
  // The values redacted here are scrubbed from the whole record at the end, as live capture does.
  const secrets: FoundSecret[] = [];
  const start: RequestStartEvent = {
    type: 'request-start',
    exchangeId: id,
    t: 0,
    startedAt: Date.parse(entry.startedDateTime),
    method: request.method,
    // The raw key goes no further than the fingerprint: it is never stored, in the URL or a header.
    path: redactQuery(rawPath, secrets),
    headers: redactKeyProtocol(redactHeaders(rawRequestHeaders, secrets), secrets),
    tenant: key ? fingerprintApiKey(key) : null,
    organization: first(rawRequestHeaders['openai-organization']),
    project: first(rawRequestHeaders['openai-project']),
    // The host the call went to names the provider whose prices apply (api.deepseek.com …).
    ...originOf(request.url),
  };

  let record: ExchangeRecord | null = null;
  // A variable, not a literal: the hooks may grow optional members (live progress) an import ignores.
  const hooks = {
    onRecord: (done: ExchangeRecord) => {
      record = done;
    },
    onChange: () => {},
    onAnalyzerError: (analyzer: string, exchangeId: string, error: unknown) =>
      console.warn(
        SecretScrubber.of(secrets).text(
          `[tokentap] analyzer ${analyzer} failed on imported exchange ${exchangeId}: ${String(error)}`,
        ),
      ),
  };
  const analyzers = defaultAnalyzers(DEFAULT_LIMITS).map((make) => make());
  const assembler = new ExchangeAssembler(start, seq, analyzers, DEFAULT_LIMITS, hooks);
  const emit = (event: DistributiveOmit<CaptureEvent, 'exchangeId'>) =>
    assembler.handle({ ...event, exchangeId: id } as CaptureEvent);

  const requestBody = requestBodyOf(request.postData);
  if (requestBody.byteLength > 0) emit({ type: 'request-body-part', t: 0, data: requestBody });
  emit({ type: 'request-end', t: phases.sentT });

  const failure = typeof response._error === 'string' && response._error !== '' ? response._error : null;
  const responseHeaders = redactHeaders(responseHeaderMapOf(response.headers), secrets);
  if (response.status === 0) {
    // Browsers write status 0 for a request that got no response at all.
    emit({
      type: 'exchange-error',
      t: phases.endT,
      kind: errorKindOf(failure, false),
      message: failure ?? 'no response (status 0 in the HAR)',
    });
  } else {
    // HAR content is already decoded: the analyzers must not try to decompress it again.
    const { 'content-encoding': _, ...decodedHeaders } = responseHeaders;
    emit({ type: 'response-head', t: phases.headT, status: response.status, headers: decodedHeaders });
    const messages = messagesFromHar(entry._webSocketMessages, start.startedAt);
    for (const message of messages ?? []) {
      const data = Buffer.from(message.data, message.encoding === 'base64' ? 'base64' : 'utf8');
      const binary = message.encoding === 'base64';
      emit({ type: 'websocket-message', t: message.t, from: message.from, binary, data });
    }
    const pieces = piecesOf(responseBodyOf(response.content), responseHeaders['content-type']);
    const receive = phases.endT - phases.headT;
    // Without per-chunk times in the HAR, chunks are spread evenly over the receive phase.
    pieces.forEach((data, i) => {
      emit({
        type: 'response-body-part',
        t: round(phases.headT + (receive * (i + 1)) / pieces.length),
        data,
      });
    });
    if (failure === null) emit({ type: 'response-end', t: phases.endT });
    else emit({ type: 'exchange-error', t: phases.endT, kind: errorKindOf(failure, true), message: failure });
  }

  // Without content-encoding, the assembler runs synchronously: the record is ready here.
  const done = record as ExchangeRecord | null;
  if (done === null) throw new Error('the entry could not be replayed');
  const wireRequestBytes = request.bodySize ?? -1;
  if (wireRequestBytes > 0) done.request.bodyBytes = wireRequestBytes;
  if (done.response) {
    done.response.headers = responseHeaders;
    const wireResponseBytes = response.bodySize ?? -1;
    if (wireResponseBytes > 0) done.response.bodyBytes = wireResponseBytes;
  }
  // The same checks as a Tokentap record's (header names and values a replay writes back …).
  const wrong = validateExchangeRecord(done);
  if (wrong !== null) throw new Error(wrong);
  return SecretScrubber.of(secrets).value(done);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Phases {
  /** When the request was sent. */
  sentT: number;
  /** When the response headers arrived. */
  headT: number;
  /** When the response ended. */
  endT: number;
}

function phasesOf(entry: ForeignEntry): Phases {
  const timings = entry.timings ?? {};
  const ms = (value: number | undefined) => (value !== undefined && value > 0 ? value : 0);
  // HAR counts `ssl` inside `connect`, so it is not added again.
  const sentT = ms(timings.blocked) + ms(timings.dns) + ms(timings.connect) + ms(timings.send);
  const headT = sentT + ms(timings.wait);
  const endT = Math.max(headT + ms(timings.receive), ms(entry.time));
  return { sentT: round(sentT), headT: round(headT), endT: round(endT) };
}

function headerMapOf(list: readonly HarNameValue[]): HeaderMap {
  // HTTP/1 tools write `Content-Type`, HTTP/2 ones `content-type`: one name either way.
  return harToHeaderMap(list.map(({ name, value }) => ({ name: name.toLowerCase(), value })));
}

/** A response's headers without HTTP/2's pseudo-headers (`:status`): a replay could not send them. */
function responseHeaderMapOf(list: readonly HarNameValue[]): HeaderMap {
  return headerMapOf(list.filter(({ name }) => !name.startsWith(':')));
}

function keyHeaders(headers: HeaderMap): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  const authorization = first(headers.authorization);
  if (authorization !== null) out.authorization = authorization;
  for (const name of ['x-api-key', 'api-key', 'x-goog-api-key', 'ocp-apim-subscription-key']) {
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function requestBodyOf(postData: ForeignEntry['request']['postData']): Uint8Array {
  if (postData === undefined) return new Uint8Array(0);
  if (postData.text !== undefined) return bytesOf(postData.text, postData.encoding);
  // A form post may come as parsed params only.
  const params = new URLSearchParams((postData.params ?? []).map((p) => [p.name, p.value ?? '']));
  return Buffer.from(params.toString(), 'utf8');
}

function responseBodyOf(content: ForeignEntry['response']['content']): Uint8Array {
  return content.text === undefined ? new Uint8Array(0) : bytesOf(content.text, content.encoding);
}

function bytesOf(text: string, encoding: string | undefined): Uint8Array {
  return Buffer.from(text, encoding?.toLowerCase() === 'base64' ? 'base64' : 'utf8');
}

/** The body in the pieces a network would have delivered: one per SSE event or NDJSON line for a stream. */
function piecesOf(body: Uint8Array, contentType: string | string[] | undefined): Uint8Array[] {
  if (body.byteLength === 0) return [];
  const type = (first(contentType) ?? '').toLowerCase();
  const ends = type.includes('text/event-stream')
    ? /\r\n\r\n|\n\n|\r\r/g
    : /ndjson|jsonl/.test(type)
      ? /\n/g
      : null;
  if (ends === null) return [body];
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const match of text.matchAll(ends)) {
    const to = match.index + match[0].length;
    pieces.push(Buffer.from(text.slice(from, to), 'utf8'));
    from = to;
  }
  if (from < text.length) pieces.push(Buffer.from(text.slice(from), 'utf8'));
  return pieces;
}

function errorKindOf(failure: string | null, responseStarted: boolean): ExchangeErrorKind {
  if (failure !== null && /abort|cancel/i.test(failure)) return 'client-aborted';
  if (failure !== null && /timed?[ _-]?out/i.test(failure)) return 'upstream-timeout';
  return responseStarted ? 'upstream-reset' : 'upstream-unreachable';
}

function first(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** `{ upstream }` with the origin of an absolute URL (never its credentials), or nothing. */
function originOf(url: string): { upstream?: string } {
  try {
    const parsed = new URL(url);
    // A WebSocket's `wss://host` is the same provider as `https://host`.
    if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:')
      return { upstream: `http${parsed.protocol.slice(2)}//${parsed.host}` };
    const { origin, protocol } = parsed;
    return protocol === 'http:' || protocol === 'https:' ? { upstream: origin } : {};
  } catch {
    return {};
  }
}
