import { API_KINDS } from './api-kind.ts';
import type { ExchangeErrorKind } from './capture-events.ts';
import { EXCHANGE_STATES, type ExchangeRecord, type IntegrityFlag } from './exchange-record.ts';
import { isRecord } from './json-fields.ts';
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

const ERROR_KINDS = [
  'client-aborted',
  'upstream-unreachable',
  'upstream-timeout',
  'upstream-reset',
  'proxy-error',
] as const satisfies readonly ExchangeErrorKind[];

const INTEGRITY_FLAGS = [
  'missing-terminator',
  'usage-missing',
  'error-event',
  'client-closed',
  'upstream-failed',
  'analysis-dropped',
] as const satisfies readonly IntegrityFlag[];

/** A header map: every value a string or an array of strings. */
const headerMapShape: Shape = {
  what: 'an object of header values',
  accepts: isRecord,
  inner: (v, path) => {
    const headers = v as Record<string, unknown>;
    for (const name in headers) {
      const value = headers[name];
      const ok =
        typeof value === 'string' ||
        (Array.isArray(value) && value.every((item) => typeof item === 'string'));
      if (!ok)
        return `field \`${path}.${name}\` must be a string or an array of strings, got ${describe(value)}`;
    }
    return null;
  },
};

const capturedBody = object(
  { headers: headerMapShape, body: string, bodyTruncated: boolean, bodyBytes: integer },
  { trailers: headerMapShape },
);

const nullableNumber = nullable(number);

/** The record fields that may be absent (links to other exchanges, added after the first format). */
export type OptionalRecordField = 'resentFrom' | 'replayOf';

/** The shape of the optional fields, checked when present. */
export const EXCHANGE_RECORD_OPTIONAL_FIELDS: Record<OptionalRecordField, Shape> = {
  resentFrom: string,
  replayOf: string,
};

/**
 * The shape of every required field of an exchange record. The closed vocabularies (api,
 * state, error kind, integrity flags) are checked for membership.
 */
export const EXCHANGE_RECORD_FIELDS: Record<Exclude<keyof ExchangeRecord, OptionalRecordField>, Shape> = {
  id: string,
  seq: integer,
  startedAt: isoDate,
  method: string,
  path: string,
  api: oneOf(API_KINDS),
  model: nullable(string),
  tenant: nullable(string),
  stream: boolean,
  status: nullable(integer),
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
      { cacheWriteTokens: number },
    ),
  ),
  costUsd: nullableNumber,
  timings: object({
    headersMs: nullableNumber,
    firstTokenMs: nullableNumber,
    totalMs: nullableNumber,
    outputTokensPerSecond: nullableNumber,
  }),
  error: nullable(object({ kind: oneOf(ERROR_KINDS), message: string })),
  organization: nullable(string),
  project: nullable(string),
  request: capturedBody,
  response: nullable(capturedBody),
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
  integrity: arrayOf(oneOf(INTEGRITY_FLAGS)),
  streamError: nullable(object({ type: string, message: string })),
};

/**
 * Why a value read from outside is not a well-formed exchange record (`missing field \`id\``),
 * or null when it is one. Unknown extra fields are allowed, so a newer Tokentap's file imports.
 */
export function validateExchangeRecord(value: unknown): string | null {
  if (!isRecord(value)) return `not an exchange record: expected an object, got ${describe(value)}`;
  return checkFields(value, '', EXCHANGE_RECORD_FIELDS, EXCHANGE_RECORD_OPTIONAL_FIELDS);
}
