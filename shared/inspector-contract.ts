import type { ExchangeRecord, ExchangeSummary } from './exchange-record.ts';
import type { ThreadDetail, ThreadListItem } from './threads/thread-types.ts';

/**
 * The one contract between the main process (or the headless server) and the renderer: every
 * request's channel name, arguments and result. The Electron gateway, the preload bridge and the
 * browser client are all checked against it; the renderer only ever sees `InspectorApi`.
 */

/** A session: one JSONL file of exchanges. */
export interface SessionInfo {
  id: string;
  /** File name without extension, e.g. `2026-11-26T19-30-00-123Z`. */
  name: string;
  createdAt: string;
  exchanges: number;
  bytes: number;
  /** Live capture goes to this session. */
  current: boolean;
  /** Another Tokentap on the same data directory is capturing into it: read-only here, not deletable. */
  liveElsewhere?: { pid: number };
}

/** Whether live capture reaches the disk. */
export interface CaptureHealth {
  /**
   * `ok`: exchanges are written as they end. `failing`: writes fail (a full disk) and are retried
   * with a backoff; capture resumes by itself. `off`: no session could be opened (the data
   * directory cannot be written): the proxy forwards, nothing is recorded.
   */
  state: 'ok' | 'failing' | 'off';
  /** Why not, in plain words (`ENOSPC: no space left on device, write`). */
  error: string | null;
  /** When writes started failing (ISO time). */
  since: string | null;
  /** Finished exchanges waiting to be written (not listed until they are). */
  waiting: number;
  /** Exchanges of this session that could not be written and were given up. */
  lost: number;
}

export interface ProxyStatus {
  /** The proxy is accepting traffic. */
  listening: boolean;
  /** The configured listen address (`127.0.0.1:3000`). */
  listenAddr: string;
  /** `http://127.0.0.1:3000` once listening, else null. */
  proxyUrl: string | null;
  upstream: string;
  /** Why the proxy is not listening (port in use…), in plain words. */
  error: string | null;
  /** Capture paused: traffic still flows, but nothing is recorded. */
  capturePaused: boolean;
  session: SessionInfo;
  /** Whether captured exchanges reach the disk (absent: not reported, taken as ok). */
  capture?: CaptureHealth;
  /** Replay mode: the proxy answers from a recording (null or absent: it forwards everything). */
  replay?: ReplayStatus | null;
  /** Web page origins allowed to call the proxy, comma-separated as configured ('' or absent: none). */
  allowedOrigins?: string;
  /** Routes added or overridden, `name=url,name=url` as configured ('' or absent: the built-ins only). */
  routes?: string;
  /** Every route the proxy forwards by (built-ins and configured), with its upstream URL. */
  routeList?: RouteInfo[];
  /** Unprefixed Anthropic and Gemini requests go to their routes (UPSTREAM is not set). */
  autoDetect?: boolean;
  /** OpenTelemetry export (null or absent: off, no endpoint set). */
  telemetry?: TelemetryStatus | null;
  /** The OpenTelemetry settings as saved (header values left out), for the settings dialog. */
  telemetrySettings?: TelemetrySettingsView;
}

/** One route: requests to `/<name>/…` go to `<url>/…`. */
export interface RouteInfo {
  name: string;
  url: string;
}

/** How the OpenTelemetry export fares. */
export interface TelemetryStatus {
  /** `ok`: the endpoint takes what is sent; `failing`: it does not, and export retries by itself. */
  state: 'ok' | 'failing';
  /** Where spans go (`http://localhost:4318/v1/traces`). */
  endpoint: string;
  protocol: 'http/protobuf' | 'http/json';
  /** The endpoint's error in plain words (`connect ECONNREFUSED 127.0.0.1:4318`, `HTTP 503`). */
  error: string | null;
  /** When the export started failing (ISO time). */
  since: string | null;
  /** Spans the endpoint accepted. */
  exported: number;
  /** Spans waiting to be sent (queued, or kept for a retry). */
  queued: number;
  /** Exchanges given up because a bounded queue was full. */
  dropped: number;
  /** Message content is sent (the user opted in). */
  content: boolean;
}

/** The OpenTelemetry export's settings (each one the environment's OTLP variable overrides). */
export interface TelemetrySettings {
  /** Base OTLP/HTTP endpoint, `/v1/traces` and `/v1/metrics` added ('' = none: nothing is exported). */
  endpoint: string;
  /** One signal's full URL, used as is ('' = from `endpoint`). */
  tracesEndpoint: string;
  metricsEndpoint: string;
  protocol: 'http/protobuf' | 'http/json';
  /** The resource's `service.name` ('' = `tokentap`). */
  serviceName: string;
  /** More resource attributes, `key=value,…` as in `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes: string;
  /** Prompts and answers go on the spans too. */
  captureContent: boolean;
}

/** What the settings dialog sends: header values only for the headers it replaces. */
export interface TelemetrySettingsUpdate extends TelemetrySettings {
  /** Header name → new value, or null to remove it; headers not named keep their saved value. */
  headers?: Record<string, string | null>;
}

/** What the settings dialog is shown: header values are credentials and never leave the main side. */
export interface TelemetrySettingsView extends TelemetrySettings {
  /** The names of the saved headers (`Authorization`, `DD-API-KEY`), values withheld. */
  headerNames: string[];
  /** Settings an OTLP environment variable overrides for this run (`endpoint`, `headers` …). */
  fromEnvironment: Array<keyof TelemetrySettings | 'headers'>;
}

export interface Settings {
  listenAddr: string;
  upstream: string;
  /** Web page origins allowed to call the proxy, comma-separated; absent in an update: unchanged. */
  allowedOrigins?: string;
  /** Routes added or overridden, `name=url,name=url`; absent in an update: unchanged. */
  routes?: string;
  /** The OpenTelemetry export; absent in an update: unchanged. Applying it restarts the export. */
  telemetry?: TelemetrySettingsUpdate;
}

/** Totals for one provider, tenant, model or a combination. Token sums skip exchanges with unknown usage. */
export interface UsageRow {
  /** The route (`anthropic`, `upstream`); null for exchanges recorded before routes. */
  provider?: string | null;
  tenant?: string | null;
  model?: string | null;
  requests: number;
  errors: number;
  /** Requests whose usage is unknown (not counted in the token sums). */
  unknownUsage: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** null when no request in the row had a known cost. */
  costUsd: number | null;
}

export interface UsageTotals {
  byTenant: UsageRow[];
  byModel: UsageRow[];
  byTenantModel: UsageRow[];
  byProvider: UsageRow[];
  /** Provider × tenant × model. */
  byProviderTenantModel: UsageRow[];
}

export type ExportFormat = 'har' | 'jsonl';

export interface ExportRequest {
  format: ExportFormat;
  /** Session id; null for the current session. */
  session: string | null;
  /** Only these exchanges (the filtered rows); null for all. */
  ids: string[] | null;
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  content: string;
}

export interface ImportResult {
  session: SessionInfo;
  imported: number;
}

/**
 * A fault injected into every answer of a replay, to test how a client copes:
 * `drop-usage` removes the usage (chat `include_usage` chunk, Responses `response.usage`,
 * Anthropic `message_delta.usage`, a JSON body's `usage`); `cut-after` resets the connection
 * after that many stream events; `delay-first-byte` holds the response back; `rate-limit`
 * answers 429 with `retry-after`; `error-mid-stream` sends the API's error event halfway and ends.
 */
export type ReplayFault =
  | { kind: 'drop-usage' }
  | { kind: 'cut-after'; events: number }
  | { kind: 'delay-first-byte'; ms: number }
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'error-mid-stream' };

export interface ReplayStartRequest {
  /** Session id to replay; null for the current session (as it is now). */
  session: string | null;
  /** Recorded pace times this factor; 0 sends everything as fast as possible. */
  speed: number;
  /** Forward requests no recording matches to the upstream (and capture them) instead of answering 404. */
  fallthrough: boolean;
  faults: ReplayFault[];
  /** Top-level request body fields ignored when matching; null for the defaults (`user`, `metadata`…). */
  ignoredFields?: string[] | null;
}

export interface ReplayStatus {
  /** The session id or file name being replayed. */
  source: string;
  /** Recordings that can answer (those with a response). */
  recordings: number;
  speed: number;
  fallthrough: boolean;
  faults: ReplayFault[];
  ignoredFields: string[];
  /** Requests answered from a recording so far. */
  served: number;
  /** Requests no recording matched (answered 404, or forwarded with `fallthrough`). */
  misses: number;
}

/** Send a captured request again to the live upstream, optionally edited. */
export interface ResendRequest {
  id: string;
  /** The session the exchange is in; null for the current one. */
  session: string | null;
  /** Replaces the captured request body. */
  body?: string;
  /** Replaces the body's top-level `model`. */
  model?: string;
  /** The key to send; else the environment's (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`…). Never stored. */
  apiKey?: string;
}

/** Channel name → arguments and result. Names are `domain.verb`. */
export interface InspectorRequests {
  'status.get': { args: []; result: ProxyStatus };
  'settings.update': { args: [settings: Settings]; result: ProxyStatus };
  'capture.setPaused': { args: [paused: boolean]; result: ProxyStatus };
  'exchanges.list': { args: [session: string | null]; result: ExchangeSummary[] };
  'exchanges.get': { args: [id: string, session: string | null]; result: ExchangeRecord | null };
  'usage.get': { args: [session: string | null]; result: UsageTotals };
  'threads.list': { args: [session: string | null]; result: ThreadListItem[] };
  'threads.get': { args: [id: string, session: string | null]; result: ThreadDetail | null };
  /** Full-text search (`text:"…"`): ids of the exchanges whose request or response text holds it, case-insensitive. */
  'search.text': { args: [text: string, session: string | null]; result: string[] };
  'sessions.list': { args: []; result: SessionInfo[] };
  'sessions.create': { args: []; result: SessionInfo };
  'sessions.delete': { args: [id: string]; result: undefined };
  'export.build': { args: [request: ExportRequest]; result: ExportFile };
  'import.load': { args: [file: { name: string; content: string }]; result: ImportResult };
  /** Replay mode: the proxy answers from a recording instead of the upstream. */
  'replay.start': { args: [request: ReplayStartRequest]; result: ProxyStatus };
  'replay.stop': { args: []; result: ProxyStatus };
  /** Resolves with the new exchange (linked by `resentFrom`) once its response has ended. */
  'exchanges.resend': { args: [request: ResendRequest]; result: ExchangeSummary };
}

export type Channel = keyof InspectorRequests;

/** What the main side pushes to the renderer, in batches (at most one batch per frame). */
export type LiveUpdate =
  /** An exchange started, progressed or ended: its current summary (upsert by id). */
  | { type: 'exchange'; summary: ExchangeSummary }
  | { type: 'status'; status: ProxyStatus }
  /** The current session changed (new session, import into a new one): reload the list. */
  | { type: 'session'; session: SessionInfo };

type Domain<C extends string> = C extends `${infer D}.${string}` ? D : never;
type Verb<C extends string, D extends string> = C extends `${D}.${infer V}` ? V : never;

/** A handler per channel, with the channel's arguments and result: what the main side implements. */
export type InspectorHandlers = {
  [C in Channel]: (...args: InspectorRequests[C]['args']) => Promise<InspectorRequests[C]['result']>;
};

/**
 * What the renderer calls: `api.exchanges.list(null)`, one method per channel, plus the live
 * update subscription (returns its unsubscribe function).
 */
export type InspectorApi = {
  [D in Domain<Channel>]: {
    [V in Verb<Channel, D>]: `${D}.${V}` extends Channel ? InspectorHandlers[`${D}.${V}`] : never;
  };
} & {
  onUpdates(listener: (batch: LiveUpdate[]) => void): () => void;
};

/** Every channel name, for the gateways to register and the tests to check against. */
export const CHANNELS: readonly Channel[] = [
  'status.get',
  'settings.update',
  'capture.setPaused',
  'exchanges.list',
  'exchanges.get',
  'usage.get',
  'threads.list',
  'threads.get',
  'search.text',
  'sessions.list',
  'sessions.create',
  'sessions.delete',
  'export.build',
  'import.load',
  'replay.start',
  'replay.stop',
  'exchanges.resend',
] satisfies Channel[];

/** The IPC channel on which live update batches travel. */
export const UPDATES_CHANNEL = 'updates.batch';

/** Renderer → main, one-way: the renderer has subscribed to updates, so batches may flow. */
export const UPDATES_READY_CHANNEL = 'updates.ready';

/** What the desktop app's menu asks the renderer to do (main → renderer, one-way). */
export type AppCommand =
  /** File → Open session…: show the sessions list. */
  | { type: 'sessions.open' }
  /** Show this session (after File → Import…). */
  | { type: 'sessions.show'; session: string };

/** The IPC channel on which app commands travel. */
export const COMMANDS_CHANNEL = 'app.command';

/**
 * The desktop bridge's extra: menu commands for the renderer (the headless browser client has no
 * menu, so it is optional). Returns the unsubscribe function.
 */
export interface AppCommandSource {
  onCommand?(listener: (command: AppCommand) => void): () => void;
}

/**
 * The browser client's extra: a URL the browser can download an export from by itself, streamed
 * to disk however large. It carries a single-use, short-lived ticket, never the token (null when
 * no ticket could be had: the export is then built by a call). The desktop bridge has none.
 */
export interface ExportLinks {
  exportUrl?(request: ExportRequest): Promise<string | null>;
}

/** The IPC channel on which the desktop window asks the main process to save an export. */
export const SAVE_EXPORT_CHANNEL = 'export.save';

/**
 * The desktop bridge's extra: the main process asks where to save (a native dialog) and streams
 * the export into that file, however large. Resolves with the path, or null when cancelled.
 */
export interface ExportSaver {
  saveExport?(request: ExportRequest): Promise<string | null>;
}

/** What the Electron preload exposes as `window.tokentap`: the inspector API, menu commands and saving. */
export type DesktopApi = InspectorApi & Required<AppCommandSource> & Required<ExportSaver>;
