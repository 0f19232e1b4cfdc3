import type * as v from 'valibot';
import type { ExchangeSummary } from '../exchange/exchange-record.ts';
import type { ExportRequest, TelemetrySettingsUpdate } from './arguments.ts';
import { type ArgsOf, CHANNEL_TABLE } from './channels.ts';
import type { ReplayFault } from './replay-fault.ts';

type ChannelTable = typeof CHANNEL_TABLE;

export type {
  ExportFormat,
  ExportRequest,
  ImportFile,
  ReplayStartRequest,
  ResendRequest,
  Settings,
  TelemetrySettingsUpdate,
} from './arguments.ts';
export type { ReplayFault } from './replay-fault.ts';

/**
 * The one contract between the main process (or the headless server) and the renderer: the
 * types derived from the channel table (`contract/channels.ts`), what results are made of, and
 * the one-way messages. The renderer only ever sees `InspectorApi`.
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
export type TelemetrySettings = Omit<TelemetrySettingsUpdate, 'headers'>;

/** What the settings dialog is shown: header values are credentials and never leave the main side. */
export interface TelemetrySettingsView extends TelemetrySettings {
  /** The names of the saved headers (`Authorization`, `DD-API-KEY`), values withheld. */
  headerNames: string[];
  /** Settings an OTLP environment variable overrides for this run (`endpoint`, `headers` …). */
  fromEnvironment: Array<keyof TelemetrySettings | 'headers'>;
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

export interface ExportFile {
  fileName: string;
  mimeType: string;
  content: string;
}

export interface ImportResult {
  session: SessionInfo;
  imported: number;
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

/** Channel name → arguments and result, derived from the contract table. Names are `domain.verb`. */
export type InspectorRequests = {
  [C in keyof ChannelTable]: {
    args: ArgsOf<ChannelTable[C]['args']>;
    result: v.InferOutput<ChannelTable[C]['result']>;
  };
};

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

/** One method per channel, grouped by domain: `api.exchanges.list(null)` calls `exchanges.list`. */
export type InspectorMethods = {
  [D in Domain<Channel>]: {
    [V in Verb<Channel, D>]: `${D}.${V}` extends Channel ? InspectorHandlers[`${D}.${V}`] : never;
  };
};

/**
 * What the renderer calls: one method per channel, plus the live update subscription (returns
 * its unsubscribe function).
 */
export type InspectorApi = InspectorMethods & {
  onUpdates(listener: (batch: LiveUpdate[]) => void): () => void;
  /**
   * Saves an export the transport's way: the desktop bridge asks where (a native dialog) and the
   * main process streams the file there; the browser client has the browser download it. Resolves
   * with the path saved to when the transport knows it, else null (downloaded, or cancelled).
   */
  saveExport(request: ExportRequest): Promise<string | null>;
};

/** Every channel name, for the gateways to register and the tests to check against. */
export const CHANNELS = Object.keys(CHANNEL_TABLE) as readonly Channel[];

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

/** What the Electron preload exposes as `window.tokentap`: the inspector API and menu commands. */
export type DesktopApi = InspectorApi & Required<AppCommandSource>;
