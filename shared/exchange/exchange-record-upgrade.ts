import { isHttpErrorStatus, readUpstreamError } from '../interpreters/upstream-error.ts';
import { CLIENT_ABORTED, type ExchangeState, UPSTREAM_HTTP_ERROR } from './exchange-lifecycle.ts';
import type { ExchangeRecord, ExchangeSummary } from './exchange-record.ts';

/**
 * Records and summaries as older Tokentaps wrote them, brought to today's lifecycle encoding where
 * they are read (session files and their indexes, JSONL and HAR imports), so that everything past
 * the reading sees one encoding per fact:
 * - an aborted exchange said so three times: `state: 'aborted'`, `error.kind: 'client-aborted'` and
 *   a `client-closed` flag (a WebSocket the client closed with an odd code even said `state: 'error'`);
 * - a failure of the upstream was also a flag, `upstream-failed`;
 * - before upstream HTTP errors were failures, a 429 was `state: 'complete'` with no error.
 */

/** The lifecycle fields as a file may hold them (checked for shape, not yet for agreement). */
export interface StoredLifecycle {
  state: ExchangeState;
  status: number | null;
  error: {
    kind?: string;
    message: string;
    status?: number;
    type?: string | null;
    code?: string | null;
  } | null;
}

/** Integrity flags older Tokentaps wrote that the lifecycle now says. */
export const RETIRED_INTEGRITY_FLAGS = ['client-closed', 'upstream-failed'] as const;

/**
 * The lifecycle stored fields mean, in today's encoding (new fields when they differ, else `stored`
 * itself); `body` is the response text an old HTTP error answer is read from (empty for a summary).
 */
export function upgradedLifecycle(stored: StoredLifecycle, body = ''): StoredLifecycle {
  const { error, status } = stored;
  if (error?.kind === CLIENT_ABORTED) return { state: 'aborted', status, error: { message: error.message } };
  if (stored.state === 'complete' && error === null && isHttpErrorStatus(status))
    return { state: 'error', status, error: readUpstreamError(status, body) };
  return stored;
}

/** Brings a record read from a file to today's encoding, in place (it is fresh from `JSON.parse`), and returns it. */
export function upgradeRecord(record: ExchangeRecord): ExchangeRecord {
  // Session files are read back without the import's checks: what is missing stays missing.
  const response = record.response as ExchangeRecord['response'] | undefined;
  const body = response?.encoding === undefined && typeof response?.body === 'string' ? response.body : '';
  upgradeSummary(record, body);
  const flags = record.integrity as string[] | undefined;
  if (flags?.some(isRetiredFlag)) record.integrity = record.integrity.filter((flag) => !isRetiredFlag(flag));
  return record;
}

/** Brings a summary read from an old session index (or a record's summary fields) to today's encoding, in place. */
export function upgradeSummary<T extends ExchangeSummary>(summary: T, body = ''): T {
  const stored = summary as StoredLifecycle & T;
  const now = upgradedLifecycle(stored, body);
  if (now !== stored) Object.assign(summary, { state: now.state, error: now.error });
  return summary;
}

/** Why stored lifecycle fields (already upgraded) disagree with each other, or null when they agree. */
export function lifecycleProblem(lifecycle: StoredLifecycle): string | null {
  const { state, error } = lifecycle;
  switch (state) {
    case 'pending':
    case 'streaming':
    case 'complete':
      return error === null ? null : `field \`error\` must be null for state \`${state}\``;
    case 'aborted':
      return error === null ? 'field `error` must say how an `aborted` exchange ended, got null' : null;
    case 'error':
      if (error === null) return null;
      if (error.kind === undefined) return 'missing field `error.kind` (state `error`)';
      if (error.kind !== UPSTREAM_HTTP_ERROR) return null;
      return error.status === undefined || error.type === undefined || error.code === undefined
        ? `an \`${UPSTREAM_HTTP_ERROR}\` error needs its \`status\`, \`type\` and \`code\``
        : null;
  }
}

function isRetiredFlag(flag: string): boolean {
  return (RETIRED_INTEGRITY_FLAGS as readonly string[]).includes(flag);
}
