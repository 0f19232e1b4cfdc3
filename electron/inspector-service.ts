import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  ExportRequest,
  ImportResult,
  InspectorHandlers,
  LiveUpdate,
  ProxyStatus,
  ReplayStartRequest,
  ResendRequest,
} from '../shared/contract/inspector-contract.ts';
import type { ExchangeRecord, ExchangeSummary } from '../shared/exchange/exchange-record.ts';
import { usageTotals } from '../shared/usage/usage-totals.ts';
import { AnalysisWorkerHost, type AnalysisWorkerHostOptions } from './capture/analysis-worker-host.ts';
import { FILE_MODE } from './data-dir.ts';
import { parseAllowedOrigins } from './proxy/allowed-origins.ts';
import { type ListenAddress, parseListenAddress } from './proxy/listen-address.ts';
import { type RunningProxy, startProxy } from './proxy/proxy-server.ts';
import { buildRouteTable, parseRoutes } from './proxy/routes.ts';
import { parseUpstream, type UpstreamTarget } from './proxy/upstream-target.ts';
import { autoDetectsProviders, withVariable } from './proxy-config.ts';
import { lightRecording } from './replay/recording-loader.ts';
import { type ReplayOptions, ReplayResponder } from './replay/replay-responder.ts';
import { resendPlan } from './resend/resend-request.ts';
import { Resender } from './resend/resender.ts';
import { SearchThread } from './search/search-thread.ts';
import { type ExportFileInfo, exportFileInfo, streamWriter } from './sessions/export-writer.ts';
import { SessionStore } from './sessions/session-store.ts';
import { loadSettings, type SavedSettings, saveSettings } from './settings-store.ts';
import { otelConfigFrom } from './telemetry/otel-config.ts';
import { OtelExportControl } from './telemetry/otel-export-control.ts';
import {
  applyTelemetryUpdate,
  otelSettingsOf,
  telemetrySettingsView,
} from './telemetry/telemetry-settings.ts';
import { ThreadContinuation } from './threads/thread-continuation.ts';
import { ThreadService } from './threads/thread-service.ts';

export interface InspectorServiceOptions {
  dataDir: string;
  /** Reads `LISTEN_ADDR` and `UPSTREAM` (which win over saved settings). */
  env: NodeJS.ProcessEnv;
  headersTimeoutMs: number;
  log: (message: string) => void;
  /** A proxy that cannot start fails `start` with its error, unlogged (the command line says it in one line). */
  requireProxy?: boolean;
  /** How the analysis side captures (limits, queue size, analyzers); absent: the defaults. */
  capture?: Pick<AnalysisWorkerHostOptions, 'limits' | 'queueBytes' | 'analyzersModule'>;
}

/**
 * Receives live changes in batches as they come (the analysis worker has coalesced them per frame
 * already): each transport sends a batch on as one message, without batching again.
 */
export interface UpdateListener {
  send(batch: LiveUpdate[]): void;
}

/** Updates per batch at most, for the batches made here (the summaries of a write). */
const MAX_BATCH = 2000;

/**
 * Everything behind the UI, independent of transport: the proxy and its capture pipeline, the
 * sessions on disk, settings, usage, export and import. The Electron IPC gateway and the headless
 * HTTP server both expose exactly `handlers` and forward updates from `subscribe`.
 */
export class InspectorService {
  readonly handlers: InspectorHandlers;
  readonly #options: InspectorServiceOptions;
  readonly #store: SessionStore;
  readonly #analysis: AnalysisWorkerHost;
  readonly #listeners = new Set<UpdateListener>();
  #settings: SavedSettings;
  #proxy: RunningProxy | null = null;
  #proxyError: string | null = null;
  #replay: ReplayResponder | null = null;
  readonly #resender = new Resender();
  readonly #search = new SearchThread();
  readonly #telemetry: OtelExportControl;
  readonly #threads: ThreadContinuation;

  #reloadTimer: NodeJS.Timeout | null = null;

  private constructor(options: InspectorServiceOptions, store: SessionStore, settings: SavedSettings) {
    this.#options = options;
    this.#store = store;
    this.#settings = settings;
    this.#analysis = new AnalysisWorkerHost({
      ...options.capture,
      log: options.log,
      onUpdates: (batch) => this.#broadcast(batch),
      // Their rows would stay in flight: the list is reloaded; the new worker continues the threads.
      onLost: () => {
        this.#reloadListSoon();
        void this.#threads.afterWorkerLost().catch(() => undefined);
      },
      onRecord: (exchange) => {
        this.#store.append(exchange);
        // Its row shows as ended once its line is on disk (`#written`); while writes fail, the
        // list is reloaded so rows of exchanges waiting to be written do not linger as in flight.
        if (this.#store.health.state !== 'ok') this.#reloadListSoon();
        this.#resender.captured(exchange);
        this.#telemetry.offer(exchange);
      },
    });
    this.#threads = new ThreadContinuation({
      previousCaptured: () => store.previousCaptured(),
      currentSummaries: () => store.summaries(null),
      seed: (seeds) => this.#analysis.seedThreads(seeds),
      log: options.log,
    });
    this.#telemetry = new OtelExportControl({
      env: options.env,
      log: options.log,
      onStatus: () => void this.#broadcastStatus().catch(() => undefined),
      // Records finished from now on come with their span (made in the analysis worker), or none.
      onSpans: (captureContent) => {
        this.#analysis.telemetry = captureContent;
      },
    });
    this.handlers = this.#makeHandlers();
    this.#telemetry.start(settings.telemetry);
  }

  /**
   * Opens the sessions, then starts the proxy with the saved settings. Neither the disk nor the
   * port is fatal: a data directory that cannot be written turns capture off, a proxy that cannot
   * start is reported in the status; both are said in the log.
   */
  static async start(options: InspectorServiceOptions): Promise<InspectorService> {
    // The store reports to the service made just after it (nothing is written before).
    let service: InspectorService | null = null;
    const store = await SessionStore.open(options.dataDir, options.log, {
      onWritten: (summaries, blocks, session) => {
        if (!service) return;
        service.#analysis.blocksWritten(session, blocks);
        service.#written(summaries);
      },
      onHealth: () => {
        if (!service) return;
        void service.#broadcastStatus().catch(() => undefined);
        service.#reloadListSoon();
      },
    });
    const settings = await loadSettings(options.dataDir, options.env);
    service = new InspectorService(options, store, settings);
    // Traffic is accepted once the analysis worker has loaded: the first exchanges are then on disk
    // within the flush window like every later one, not a worker start-up later (about a second).
    // Conversations of the previous session go on in their threads: seeded before any traffic.
    await Promise.all([
      service.#analysis.blocksFor(store.currentId).catch(() => undefined),
      service.#threads.fromPreviousSession(),
    ]);
    const failure = await service.#startProxy();
    if (failure !== null && options.requireProxy) {
      await service.close();
      throw failure;
    }
    return service;
  }

  #written(summaries: readonly ExchangeSummary[]): void {
    if (this.#listeners.size === 0) return;
    for (let i = 0; i < summaries.length; i += MAX_BATCH)
      this.#broadcast(summaries.slice(i, i + MAX_BATCH).map((summary) => ({ type: 'exchange', summary })));
  }

  /** Passes a batch on to every listener. */
  #broadcast(batch: LiveUpdate[]): void {
    for (const listener of this.#listeners) listener.send(batch);
  }

  /** Has the renderers reload the current list from the store (at most once a second). */
  #reloadListSoon(): void {
    if (this.#reloadTimer || this.#listeners.size === 0) return;
    this.#reloadTimer = setTimeout(() => {
      this.#reloadTimer = null;
      void this.#store.info(this.#store.currentId).then((session) => {
        this.#broadcast([{ type: 'session', session }]);
      });
    }, 1000);
    this.#reloadTimer.unref();
  }

  /** The analysis side of the tee (its queue and worker): for diagnostics, the suites and the benchmark. */
  get analysis(): AnalysisWorkerHost {
    return this.#analysis;
  }

  /** The running proxy, if it is listening. */
  get proxy(): RunningProxy | null {
    return this.#proxy;
  }

  /** Adds a listener for live changes; returns its removal. */
  subscribe(listener: UpdateListener): () => void {
    this.#listeners.add(listener);
    this.#analysis.liveUpdates = true;
    return () => {
      this.#listeners.delete(listener);
      this.#analysis.liveUpdates = this.#listeners.size > 0;
    };
  }

  async status(): Promise<ProxyStatus> {
    return {
      listening: this.#proxy !== null,
      listenAddr: this.#settings.listenAddr,
      proxyUrl: this.#proxy?.url ?? null,
      upstream: this.#settings.upstream,
      allowedOrigins: this.#settings.allowedOrigins ?? '',
      routes: this.#settings.routes ?? '',
      ...this.#routeStatus(),
      error: this.#proxyError,
      capturePaused: this.#analysis.paused,
      session: await this.#store.info(this.#store.currentId),
      capture: this.#store.health,
      replay: this.#replay?.status() ?? null,
      telemetry: this.#telemetry.status(),
      telemetrySettings: telemetrySettingsView(this.#settings.telemetry, this.#options.env),
    };
  }

  /**
   * Replay mode on: the proxy answers from these records (replacing any replay running). The
   * command line passes records read from a file; `replay.start` those of a session.
   */
  async startReplay(records: readonly ExchangeRecord[], options: ReplayOptions): Promise<ProxyStatus> {
    const responder = new ReplayResponder(records, options);
    this.#replay = responder;
    this.#proxy?.setResponder(responder);
    return this.#broadcastStatus();
  }

  /** Replay mode off: the proxy forwards everything again. */
  async stopReplay(): Promise<ProxyStatus> {
    this.#replay = null;
    this.#proxy?.setResponder(null);
    return this.#broadcastStatus();
  }

  async #replaySession(request: ReplayStartRequest): Promise<ProxyStatus> {
    const sessionId = request.session ?? this.#store.currentId;
    // Kept light (matching needs no response): each one is read back from disk when it answers.
    const records: ExchangeRecord[] = [];
    for await (const record of await this.#store.records(null, sessionId))
      records.push(
        lightRecording(record, async () => {
          const full = await this.#store.record(record.id, sessionId);
          if (!full) throw new Error(`session ${sessionId} no longer has it`);
          return full;
        }),
      );
    return this.startReplay(records, {
      source: sessionId,
      speed: request.speed,
      fallthrough: request.fallthrough,
      faults: request.faults,
      ignoredFields: request.ignoredFields ?? null,
      onMiss: (message) => this.#options.log(message),
      onError: (message) => this.#options.log(message),
      // A status that cannot be read now is read again on the next count.
      onCount: () => void this.#broadcastStatus().catch(() => undefined),
    });
  }

  /**
   * Sends a captured request again through Tokentap's own proxy (so it is captured like any
   * other, never answered by a replay), and resolves with the new exchange once it has ended.
   */
  async #resend(edits: ResendRequest): Promise<ExchangeSummary> {
    const proxy = this.#proxy;
    if (!proxy)
      throw new Error(
        `The proxy is not listening (${this.#proxyError ?? 'stopped'}), so nothing can be resent`,
      );
    if (this.#analysis.paused)
      throw new Error('Capture is paused: resume it to resend, or the new exchange would not be recorded');
    const original = await this.#store.record(edits.id, edits.session);
    if (!original) throw new Error(`No exchange "${edits.id}" in this session`);
    const nonce = randomUUID();
    return this.#resender.send(proxy.url, resendPlan(original, edits, this.#options.env, nonce), nonce);
  }

  /**
   * Writes an export into `out` (a file, an HTTP response) one record at a time, so a session of
   * any size goes out in constant memory; `begin` hears what the file is called first.
   */
  async exportTo(
    request: ExportRequest,
    out: Writable,
    begin?: (file: ExportFileInfo) => void,
  ): Promise<number> {
    return this.#export(request, streamWriter(out), begin);
  }

  /** The one way an export is made, streamed (`exportTo`) or in memory (`export.build`). */
  async #export(
    request: ExportRequest,
    write: (text: string) => Promise<void> | void,
    begin?: (file: ExportFileInfo) => void,
  ): Promise<number> {
    // Found (or refused) before `begin`: an unknown session is an error, not an empty download.
    const run = await this.#store.exportJob(request.format, request.ids, request.session);
    begin?.(exportFileInfo(request.format, request.session ?? this.#store.currentId));
    // Made in a worker thread: serialising a large session never stalls forwarding.
    return run(write);
  }

  /**
   * Imports an upload (an HTTP body) as a new session without holding it: it is streamed to a
   * file first (`tooLarge` past `maxBytes`), then read and parsed in a worker thread.
   */
  async importStream(
    name: string,
    body: AsyncIterable<Buffer>,
    maxBytes: number,
    tooLarge: () => Error,
  ): Promise<ImportResult> {
    const path = await this.#store.uploadPath();
    try {
      let size = 0;
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > maxBytes) throw tooLarge();
            yield chunk;
          }
        },
        createWriteStream(path, { mode: FILE_MODE }),
      );
      return await this.#store.importFile({ name, path });
    } finally {
      await rm(path, { force: true });
    }
  }

  /** Stops the proxy, analyses what is queued, and flushes and closes the session. */
  async close(): Promise<void> {
    await this.#proxy?.close();
    this.#proxy = null;
    await this.#analysis.close();
    await this.#telemetry.close();
    await this.#search.close();
    if (this.#reloadTimer) clearTimeout(this.#reloadTimer);
    await this.#store.close();
  }

  /** Starts the proxy; resolves with why it could not (also in the status), or null. */
  async #startProxy(): Promise<unknown> {
    let listen: ListenAddress;
    let upstream: UpstreamTarget;
    try {
      listen = parseListenAddress(this.#settings.listenAddr);
      upstream = parseUpstream(this.#settings.upstream);
      const allowedOrigins = parseAllowedOrigins(this.#settings.allowedOrigins ?? '');
      const routes = withVariable('Routes', () => parseRoutes(this.#settings.routes ?? ''));
      this.#proxy = await startProxy({
        allowedOrigins,
        routes,
        autoDetect: autoDetectsProviders(upstream),
        listen,
        upstream,
        headersTimeoutMs: this.#options.headersTimeoutMs,
        sink: this.#analysis.queue,
        responder: this.#replay,
      });
      this.#proxyError = null;
      return null;
    } catch (error) {
      this.#proxy = null;
      this.#proxyError = (error as Error).message;
      if (!this.#options.requireProxy) this.#options.log(this.#proxyError);
      return error;
    }
  }

  /** The routes in force (the running proxy's, else those the settings would give), for the top bar. */
  #routeStatus(): Pick<ProxyStatus, 'routeList' | 'autoDetect'> {
    let table = this.#proxy?.routes;
    if (!table) {
      try {
        const upstream = parseUpstream(this.#settings.upstream);
        table = buildRouteTable(
          upstream,
          parseRoutes(this.#settings.routes ?? ''),
          autoDetectsProviders(upstream),
        );
      } catch {
        return { routeList: [], autoDetect: false };
      }
    }
    return { routeList: table.list(), autoDetect: table.autoDetect };
  }

  async #broadcastStatus(): Promise<ProxyStatus> {
    const status = await this.status();
    this.#broadcast([{ type: 'status', status }]);
    return status;
  }

  /** The current session's summaries, finished and in flight (from the map kept here, not asking the worker). */
  async #currentSummaries(session: string | null): Promise<ExchangeSummary[]> {
    // In flight first: an exchange that ends in between is then found in the store, and kept once.
    const inFlight = this.#analysis.inFlight();
    const summaries = await this.#store.summaries(session);
    if (inFlight.length === 0) return summaries;
    const finished = new Set(summaries.map((s) => s.id));
    const current = inFlight.filter((s) => !finished.has(s.id));
    return [...summaries, ...current].sort((a, b) => a.seq - b.seq);
  }

  /** Threads of a session: its summaries (in flight too for the current one) and records (live ones from the worker). */
  #threadService(): ThreadService {
    const store = this.#store;
    const isCurrent = (session: string | null) => session === null || session === store.currentId;
    return new ThreadService({
      summaries: (session) =>
        isCurrent(session) ? this.#currentSummaries(session) : store.summaries(session),
      records: async (ids, session) => {
        const onDisk = await store.records(ids, session);
        const analysis = this.#analysis;
        return (async function* () {
          const found = new Set<string>();
          for await (const record of onDisk) {
            found.add(record.id);
            yield record;
          }
          if (!isCurrent(session)) return;
          for (const id of ids) {
            if (found.has(id)) continue;
            const live = await analysis.liveRecord(id);
            if (live) yield live;
          }
        })();
      },
    });
  }

  #makeHandlers(): InspectorHandlers {
    const store = this.#store;
    const threads = this.#threadService();
    return {
      'status.get': () => this.status(),
      'settings.update': async (settings) => {
        // Validate both before touching anything, so a typo leaves the running proxy alone.
        parseListenAddress(settings.listenAddr);
        parseUpstream(settings.upstream);
        const allowedOrigins = (settings.allowedOrigins ?? this.#settings.allowedOrigins ?? '').trim();
        parseAllowedOrigins(allowedOrigins);
        const routes = (settings.routes ?? this.#settings.routes ?? '').trim();
        withVariable('Routes', () => parseRoutes(routes));
        const telemetry = settings.telemetry
          ? applyTelemetryUpdate(this.#settings.telemetry, settings.telemetry)
          : this.#settings.telemetry;
        // A bad endpoint or attribute list is refused here too, with the export left running.
        if (settings.telemetry) otelConfigFrom(this.#options.env, otelSettingsOf(telemetry));
        this.#settings = {
          listenAddr: settings.listenAddr.trim(),
          upstream: settings.upstream.trim(),
          allowedOrigins,
          routes,
          telemetry,
        };
        await saveSettings(this.#options.dataDir, this.#settings);
        if (settings.telemetry) this.#telemetry.start(telemetry);
        await this.#proxy?.close();
        await this.#startProxy();
        return this.#broadcastStatus();
      },
      'capture.setPaused': async (paused) => {
        this.#analysis.paused = paused;
        return this.#broadcastStatus();
      },
      'exchanges.list': (session) =>
        session === null || session === store.currentId
          ? this.#currentSummaries(session)
          : store.summaries(session),
      'exchanges.get': async (id, session) => {
        const current = session === null || session === store.currentId;
        // Asked of the worker first: an exchange that ends meanwhile is in the store by the answer.
        const live = current ? await this.#analysis.liveRecord(id) : null;
        return live ?? store.record(id, session);
      },
      'usage.get': async (session) => usageTotals(await store.summaries(session)),
      'search.text': async (text, session) => {
        const { dataPath, entries, blocks, finished } = await store.lines(session);
        return (await this.#search.search(dataPath, entries, blocks, text, finished)).ids;
      },
      'threads.list': (session) => threads.list(session),
      'threads.get': (id, session) => threads.get(id, session),
      'sessions.list': () => store.list(),
      'sessions.create': async () => {
        await store.flush();
        // Records finished before the switch go to the previous file, those after carry every block text.
        const session = await store.startNew((id) => this.#analysis.blocksFor(id).catch(() => undefined));
        this.#broadcast([{ type: 'session', session }]);
        return session;
      },
      'sessions.delete': async (id) => {
        await store.delete(id);
        return undefined;
      },
      'export.build': async (request) => {
        // The same export as a download over HTTP (`exportTo`), collected in memory.
        const pieces: string[] = [];
        const files: ExportFileInfo[] = [];
        await this.#export(
          request,
          (text) => {
            pieces.push(text);
          },
          (file) => files.push(file),
        );
        return { ...(files[0] as ExportFileInfo), content: pieces.join('') };
      },
      // Parsed in a worker thread: a large or deeply nested file never stalls forwarding.
      'import.load': (file) => store.importFile({ name: file.name, text: file.content }),
      'replay.start': (request) => this.#replaySession(request),
      'replay.stop': () => this.stopReplay(),
      'exchanges.resend': (request) => this.#resend(request),
    };
  }
}
