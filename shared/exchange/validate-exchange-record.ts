import { API_KINDS } from '../interpreters/api-kind.ts';
import { originRelativePathProblem } from '../security/origin-relative-path.ts';
import { isHeaderName, isHeaderValue, isMethod, isStatusCode } from '../wire/http-syntax.ts';
import { isRecord } from '../wire/json-fields.ts';
import type { ExchangeErrorKind } from './capture-events.ts';
import { EXCHANGE_STATES, UPSTREAM_HTTP_ERROR } from './exchange-lifecycle.ts';
import type { ExchangeRecord, IntegrityFlag } from './exchange-record.ts';
import {
  lifecycleProblem,
  RETIRED_INTEGRITY_FLAGS,
  type StoredLifecycle,
  upgradedLifecycle,
} from './exchange-record-upgrade.ts';
import {
  arrayOf,
  boolean,
  checkFields,
  describe,
  integer,
  isoDate,
  nullable,
  number,
  object,
  oneOf,
  type Shape,
  string,
} from './shape-check.ts';

// `client-aborted` only in records from before the lifecycle union (upgraded on reading).
const ERROR_KINDS = [
  'client-aborted',
  'upstream-unreachable',
  'upstream-timeout',
  'upstream-reset',
  'proxy-error',
  UPSTREAM_HTTP_ERROR,
] as const satisfies readonly (ExchangeErrorKind | typeof UPSTREAM_HTTP_ERROR)[];

const INTEGRITY_FLAGS = [
  'missing-terminator',
  'usage-missing',
  'error-event',
  'analysis-dropped',
] as const satisfies readonly IntegrityFlag[];

/**
 * A header map: valid header names, every value a string or an array of strings HTTP can carry
 * (a replay writes response headers back to a client as they are). A request's may hold HTTP/2
 * pseudo-headers (`:path`, from a browser's HAR): they are shown, never sent.
 */
function headerMapShape(pseudo: boolean): Shape {
  return {
    what: 'an object of header values',
    accepts: isRecord,
    inner: (v, path) => {
      const headers = v as Record<string, unknown>;
      for (const name in headers) {
        if (!isHeaderName(pseudo && name.startsWith(':') ? name.slice(1) : name))
          return `field \`${path}\` has an invalid header name ${describe(name)}`;
        const value = headers[name];
        const ok =
          typeof value === 'string' ||
          (Array.isArray(value) && value.every((item) => typeof item === 'string'));
        if (!ok)
          return `field \`${path}.${name}\` must be a string or an array of strings, got ${describe(value)}`;
        const values: string[] = Array.isArray(value) ? value : [value];
        const bad = values.find((item) => !isHeaderValue(item));
        if (bad !== undefined)
          return `field \`${path}.${name}\` holds characters a header cannot carry (CR, LF, NUL …): ${describe(bad)}`;
      }
      return null;
    },
  };
}

/** A request target that names no other host (see `originRelativePathProblem`). */
const requestPath: Shape = {
  what: 'an origin-relative path (`/v1/…`)',
  accepts: (v) => typeof v === 'string',
  inner: (v, path) => {
    const problem = originRelativePathProblem(v as string);
    return problem === null ? null : `field \`${path}\` ${problem}, got ${describe(v)}`;
  },
};

/** A status Node can write back (100 to 999). */
const statusCode: Shape = {
  what: 'an HTTP status (an integer from 100 to 999)',
  accepts: (v) => typeof v === 'number' && isStatusCode(v),
};

const method: Shape = {
  what: 'an HTTP method (`POST`)',
  accepts: (v) => typeof v === 'string' && isMethod(v),
};

// The id travels in a header (`x-tokentap-replay`, `x-tokentap-resent-from`).
const recordId: Shape = {
  what: 'a non-empty id a header can carry',
  accepts: (v) => typeof v === 'string' && v !== '' && isHeaderValue(v) && !v.includes(';'),
};

const capturedBody = (pseudoHeaders: boolean) =>
  object(
    {
      headers: headerMapShape(pseudoHeaders),
      body: string,
      bodyTruncated: boolean,
      bodyBytes: integer,
    },
    {
      encoding: oneOf(['base64']),
      holes: arrayOf(object({ at: integer, bytes: integer })),
      trailers: headerMapShape(false),
    },
  );

const nullableNumber = nullable(number);

/** The record fields that may be absent (links to other exchanges, added after the first format). */
export type OptionalRecordField =
  | 'resentFrom'
  | 'replayOf'
  | 'upstream'
  | 'websocket'
  | 'provider'
  | 'thread'
  | 'delta'
  | 'cache'
  | 'context'
  | 'socketTurns';

const websocketSide = oneOf(['client', 'server']);

/** The shape of the optional fields, checked when present. */
export const EXCHANGE_RECORD_OPTIONAL_FIELDS: Record<OptionalRecordField, Shape> = {
  resentFrom: recordId,
  replayOf: recordId,
  upstream: string,
  websocket: object({
    messages: arrayOf(
      object(
        { from: websocketSide, t: number, size: integer, data: string },
        { encoding: oneOf(['base64']), truncated: boolean },
      ),
    ),
    close: nullable(object({ code: integer, reason: string, by: websocketSide, t: number })),
  }),
  provider: string,
  // Threads (issue 14): the parts the list and the thread index read are checked; the rest is display-only.
  thread: nullable(object({ id: string, turn: integer, parentId: nullable(string) }, { title: string })),
  delta: object({ appended: arrayOf(object({ at: string })), changed: arrayOf(object({ at: string })) }),
  cache: object({ verdict: oneOf(['hit', 'partial', 'miss', 'write', 'none']) }),
  context: object({ parts: object({}), largest: arrayOf(object({ at: string })) }),
  socketTurns: arrayOf(object({ turn: integer, startedAt: isoDate, delta: object({}) })),
};

/**
 * The shape of every required field of an exchange record. The closed vocabularies (api,
 * state, error kind, integrity flags) are checked for membership.
 */
export const EXCHANGE_RECORD_FIELDS: Record<Exclude<keyof ExchangeRecord, OptionalRecordField>, Shape> = {
  id: recordId,
  seq: integer,
  startedAt: isoDate,
  method,
  path: requestPath,
  api: oneOf(API_KINDS),
  model: nullable(string),
  tenant: nullable(string),
  stream: boolean,
  status: nullable(statusCode),
  state: oneOf(EXCHANGE_STATES),
  usage: nullable(
    object(
      {
        inputTokens: number,
        outputTokens: number,
        cachedTokens: nullableNumber,
        reasoningTokens: nullableNumber,
        totalTokens: number,
      },
      {
        cacheWriteTokens: number,
        cacheWrite1hTokens: number,
        inputAudioTokens: number,
        outputAudioTokens: number,
        audioSeconds: number,
      },
    ),
  ),
  costUsd: nullableNumber,
  timings: object({
    headersMs: nullableNumber,
    firstTokenMs: nullableNumber,
    totalMs: nullableNumber,
    outputTokensPerSecond: nullableNumber,
  }),
  // A failure has a kind (an upstream HTTP error also its status and the provider's type and code);
  // an abort only its words. Which one a state takes is checked after the fields.
  error: nullable(
    object(
      { message: string },
      { kind: oneOf(ERROR_KINDS), status: integer, type: nullable(string), code: nullable(string) },
    ),
  ),
  organization: nullable(string),
  project: nullable(string),
  request: capturedBody(true),
  response: nullable(capturedBody(false)),
  chunks: arrayOf(object({ t: number, data: string })),
  gaps: nullable(object({ count: integer, medianMs: number, p95Ms: number, maxMs: number })),
  merged: nullable(
    object({
      text: string,
      refusal: nullable(string),
      reasoning: nullable(string),
      toolCalls: arrayOf(object({ id: nullable(string), name: string, arguments: string })),
      finishReason: nullable(string),
    }),
  ),
  integrity: arrayOf(oneOf([...INTEGRITY_FLAGS, ...RETIRED_INTEGRITY_FLAGS])),
  streamError: nullable(object({ type: string, message: string })),
};

/**
 * Why a value read from outside is not a well-formed exchange record (`missing field \`id\``),
 * or null when it is one, in today's encoding or an older one `upgradeRecord` brings to it.
 * Unknown extra fields are allowed, so a newer Tokentap's file imports.
 */
export function validateExchangeRecord(value: unknown): string | null {
  if (!isRecord(value)) return `not an exchange record: expected an object, got ${describe(value)}`;
  return (
    checkFields(value, '', EXCHANGE_RECORD_FIELDS, EXCHANGE_RECORD_OPTIONAL_FIELDS) ??
    lifecycleProblem(upgradedLifecycle(value as unknown as StoredLifecycle))
  );
}
