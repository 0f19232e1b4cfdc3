import * as v from 'valibot';
import type { ExchangeRecord, ExchangeSummary } from '../exchange/exchange-record.ts';
import type { ThreadDetail, ThreadListItem } from '../threads/thread-types.ts';
import { isRecord } from '../wire/json-fields.ts';
import {
  ExchangeId,
  ExportRequestSchema,
  ImportFileSchema,
  PausedFlag,
  ReplayStartRequestSchema,
  ResendRequestSchema,
  SearchText,
  SessionId,
  SessionRef,
  SettingsSchema,
  ThreadId,
} from './arguments.ts';
import { type HttpRoute, LARGE_BODY_BYTES, UPLOAD_BODY_BYTES } from './http-route.ts';
import type {
  ExportFile,
  ImportResult,
  ProxyStatus,
  SessionInfo,
  UsageTotals,
} from './inspector-contract.ts';

/** One argument: its name (in messages, and for `:name` path segments and query parameters) and schema. */
export type ArgSpec = readonly [name: string, schema: v.GenericSchema];

/** Each argument's checked type, in order. */
export type ArgsOf<A extends readonly ArgSpec[]> = {
  -readonly [K in keyof A]: v.InferOutput<A[K][1]>;
};

export interface ChannelSpec<A extends readonly ArgSpec[] = readonly ArgSpec[], R = unknown> {
  args: A;
  /** The result's type (see `returns`). */
  result: v.GenericSchema<R>;
  /** How it travels over HTTP. */
  http: HttpRoute<ArgsOf<A>>;
}

/** A channel of the contract; `const` keeps the argument list a tuple. */
function channel<const A extends readonly ArgSpec[], R>(spec: ChannelSpec<A, R>): ChannelSpec<A, R> {
  return spec;
}

/**
 * A result's type. Results come from the trusted main side and are not checked at run time: the
 * schema only carries the type.
 */
function returns<T>(): v.GenericSchema<T> {
  return v.custom<T>(() => true);
}

/**
 * THE contract: every request the renderer can make of the main side (IPC) or the headless
 * server (HTTP), by its dotted `domain.verb` name. The IPC gateway's checks, the UI server's
 * routes, the browser client's and the preload bridge's methods and the `InspectorApi` type are
 * all derived from this table: a new channel is an entry here and its handler in `InspectorService`.
 */
export const CHANNEL_TABLE = {
  'status.get': channel({
    args: [],
    result: returns<ProxyStatus>(),
    http: { method: 'GET', path: '/api/status' },
  }),
  'settings.update': channel({
    args: [['settings', SettingsSchema]],
    result: returns<ProxyStatus>(),
    http: { method: 'PUT', path: '/api/settings' },
  }),
  'capture.setPaused': channel({
    args: [['paused', PausedFlag]],
    result: returns<ProxyStatus>(),
    http: {
      method: 'POST',
      path: '/api/capture',
      toWire: ([paused]) => ({ body: { paused } }),
      fromWire: ({ body }) => [isRecord(body) ? body.paused : undefined],
    },
  }),
  'exchanges.list': channel({
    args: [['session', SessionRef]],
    result: returns<ExchangeSummary[]>(),
    http: { method: 'GET', path: '/api/exchanges' },
  }),
  'exchanges.get': channel({
    args: [
      ['id', ExchangeId],
      ['session', SessionRef],
    ],
    result: returns<ExchangeRecord | null>(),
    http: {
      method: 'GET',
      path: '/api/exchanges/:id',
      notFound: ([id]) => `No exchange "${id}" in this session`,
    },
  }),
  'usage.get': channel({
    args: [['session', SessionRef]],
    result: returns<UsageTotals>(),
    http: { method: 'GET', path: '/api/usage' },
  }),
  'threads.list': channel({
    args: [['session', SessionRef]],
    result: returns<ThreadListItem[]>(),
    http: { method: 'GET', path: '/api/threads' },
  }),
  'threads.get': channel({
    args: [
      ['id', ThreadId],
      ['session', SessionRef],
    ],
    result: returns<ThreadDetail | null>(),
    http: {
      method: 'GET',
      path: '/api/threads/:id',
      notFound: ([id]) => `No thread "${id}" in this session`,
    },
  }),
  /** Full-text search (`text:"…"`): ids of the exchanges whose request or response text holds it, case-insensitive. */
  'search.text': channel({
    args: [
      ['text', SearchText],
      ['session', SessionRef],
    ],
    result: returns<string[]>(),
    http: { method: 'GET', path: '/api/search' },
  }),
  'sessions.list': channel({
    args: [],
    result: returns<SessionInfo[]>(),
    http: { method: 'GET', path: '/api/sessions' },
  }),
  'sessions.create': channel({
    args: [],
    result: returns<SessionInfo>(),
    http: { method: 'POST', path: '/api/sessions', status: 201 },
  }),
  'sessions.delete': channel({
    args: [['id', SessionId]],
    result: returns<undefined>(),
    http: { method: 'DELETE', path: '/api/sessions/:id', status: 204, answer: 'empty' },
  }),
  'export.build': channel({
    args: [['request', ExportRequestSchema]],
    result: returns<ExportFile>(),
    http: {
      // A POST: the filtered rows can be thousands of ids, too many for a URL.
      method: 'POST',
      path: '/api/export',
      answer: 'file',
      maxBodyBytes: LARGE_BODY_BYTES,
      fromWire: ({ body, query }) => [
        isRecord(body) ? { format: 'jsonl', session: query.session, ids: null, ...body } : body,
      ],
    },
  }),
  'import.load': channel({
    args: [['file', ImportFileSchema]],
    result: returns<ImportResult>(),
    http: {
      method: 'POST',
      path: '/api/import',
      status: 201,
      upload: true,
      maxBodyBytes: UPLOAD_BODY_BYTES,
      toWire: ([file]) => ({
        query: { name: file.name },
        body: file.content,
        contentType: file.name.endsWith('.har') ? 'application/json' : 'application/x-ndjson',
      }),
      // The server streams the content to disk: only the name is an argument here.
      fromWire: ({ query }) => [{ name: query.name ?? 'import', content: '' }],
    },
  }),
  /** Replay mode: the proxy answers from a recording instead of the upstream. */
  'replay.start': channel({
    args: [['request', ReplayStartRequestSchema]],
    result: returns<ProxyStatus>(),
    http: {
      method: 'POST',
      path: '/api/replay',
      fromWire: ({ body, query }) => [isRecord(body) ? { session: query.session, ...body } : body],
    },
  }),
  'replay.stop': channel({
    args: [],
    result: returns<ProxyStatus>(),
    http: { method: 'DELETE', path: '/api/replay' },
  }),
  /** Resolves with the new exchange (linked by `resentFrom`) once its response has ended. */
  'exchanges.resend': channel({
    args: [['request', ResendRequestSchema]],
    result: returns<ExchangeSummary>(),
    http: {
      method: 'POST',
      path: '/api/exchanges/:id/resend',
      status: 201,
      maxBodyBytes: LARGE_BODY_BYTES,
      // The key travels in the body of this one loopback call, never in the URL.
      toWire: ([{ id, session, ...edits }]) => ({
        params: { id },
        query: session === null ? {} : { session },
        body: edits,
      }),
      // The body holds the edits ({body?, model?, apiKey?}); an empty body resends as captured.
      fromWire: ({ body, params, query }) => [
        body === undefined || isRecord(body) ? { session: query.session, ...body, id: params.id } : body,
      ],
    },
  }),
};
