import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { ExchangeRecord, ExchangeSummary } from '../shared/exchange-record.ts';
import type {
  ExportRequest,
  InspectorHandlers,
  LiveUpdate,
  ProxyStatus,
  ReplayStartRequest,
  ResendRequest,
  Settings,
} from '../shared/inspector-contract.ts';
import { usageTotals } from '../shared/usage-totals.ts';
import { AnalysisThread } from './capture/analysis-thread.ts';
import { parseAllowedOrigins } from './proxy/allowed-origins.ts';
import { type ListenAddress, parseListenAddress } from './proxy/listen-address.ts';
import { type RunningProxy, startProxy } from './proxy/proxy-server.ts';
import { parseUpstream, type UpstreamTarget } from './proxy/upstream-target.ts';
import { type ReplayOptions, ReplayResponder } from './replay/replay-responder.ts';
import { resendPlan } from './replay/resend-request.ts';
import { Resender } from './replay/resender.ts';
import {
  type ExportFileInfo,
  exportFile,
  exportFileInfo,
  streamWriter,
  writeExport,
} from './sessions/export-writer.ts';
import { importSessionFile } from './sessions/import-session-file.ts';
import { SessionStore } from './sessions/session-store.ts';
import { loadSettings, saveSettings } from './settings-store.ts';

export interface InspectorServiceOptions {
  dataDir: string;
  /** Reads `LISTEN_ADDR` and `UPSTREAM` (which win over saved settings). */
  env: NodeJS.ProcessEnv;
  headersTimeoutMs: number;
  log: (message: string) => void;
}

/** Receives every live change; each transport batches them for its renderer. */
export interface UpdateListener {
  push(update: LiveUpdate): void;
}

/**
 * Everything behind the UI, independent of transport: the proxy and its capture pipeline, the
 * sessions on disk, settings, usage, export and import. The Electron IPC gateway and the headless
 * HTTP server both expose exactly `handlers` and forward updates from `subscribe`.
 */
export class InspectorService {
  readonly handlers: InspectorHandlers;
  readonly #options: InspectorServiceOptions;
  readonly #store: SessionStore;
  readonly #analysis: AnalysisThread;
  readonly #listeners = new Set<UpdateListener>();
  #settings: Settings;
  #proxy: RunningProxy | null = null;
  #proxyError: string | null = null;
  #replay: ReplayResponder | null = null;
  readonly #resender = new Resender();

  private constructor(options: InspectorServiceOptions, store: SessionStore, settings: Settings) {
    this.#options = options;
    this.#store = store;
    this.#settings = settings;
    this.#analysis = new AnalysisThread({
      log: options.log,
      // Only while someone watches: the analysis worker sends summaries of exchanges in flight.
      onUpdates: (batch) => {
        for (const listener of this.#listeners) for (const update of batch) listener.push(update);
      },
      onRecord: (exchange) => {
        this.#store.append(exchange);
        const { summary } = exchange;
        for (const listener of this.#listeners) listener.push({ type: 'exchange', summary });
        this.#resender.captured(exchange);
      },
    });
    this.handlers = this.#makeHandlers();
  }

  /** Opens the sessions, then starts the proxy with the saved settings; a proxy that cannot start is reported in the status, not thrown. */
  static async start(options: InspectorServiceOptions): Promise<InspectorService> {
    const store = await SessionStore.open(options.dataDir, options.log);
    const settings = await loadSettings(options.dataDir, options.env);
    const service = new InspectorService(options, store, settings);
    await service.#startProxy();
    return service;
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
      error: this.#proxyError,
      capturePaused: this.#analysis.paused,
      session: await this.#store.info(this.#store.currentId),
      replay: this.#replay?.status() ?? null,
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
    const records: ExchangeRecord[] = [];
    for await (const record of await this.#store.records(null, request.session)) records.push(record);
    return this.startReplay(records, {
      source: sessionId,
      speed: request.speed,
      fallthrough: request.fallthrough,
      faults: request.faults,
      ignoredFields: request.ignoredFields ?? null,
      onMiss: (message) => this.#options.log(message),
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
    // Found (or refused) before `begin`: an unknown session is an error, not an empty download.
    const records = await this.#store.records(request.ids, request.session);
    begin?.(exportFileInfo(request.format, request.session ?? this.#store.currentId));
    return writeExport(request.format, records, streamWriter(out));
  }

  /** Stops the proxy, analyses what is queued, and flushes and closes the session. */
  async close(): Promise<void> {
    await this.#proxy?.close();
    this.#proxy = null;
    await this.#analysis.close();
    await this.#store.close();
  }

  async #startProxy(): Promise<void> {
    let listen: ListenAddress;
    let upstream: UpstreamTarget;
    try {
      listen = parseListenAddress(this.#settings.listenAddr);
      upstream = parseUpstream(this.#settings.upstream);
      const allowedOrigins = parseAllowedOrigins(this.#settings.allowedOrigins ?? '');
      this.#proxy = await startProxy({
        allowedOrigins,
        listen,
        upstream,
        headersTimeoutMs: this.#options.headersTimeoutMs,
        sink: this.#analysis.queue,
        responder: this.#replay,
      });
      this.#proxyError = null;
    } catch (error) {
      this.#proxy = null;
      this.#proxyError = (error as Error).message;
      this.#options.log(this.#proxyError);
    }
  }

  async #broadcastStatus(): Promise<ProxyStatus> {
    const status = await this.status();
    for (const listener of this.#listeners) listener.push({ type: 'status', status });
    return status;
  }

  /** The current session's summaries, finished and in flight. */
  async #currentSummaries(session: string | null): Promise<ExchangeSummary[]> {
    // In flight first: an exchange that ends in between is then found in the store, and kept once.
    const inFlight = await this.#analysis.inFlight();
    const summaries = await this.#store.summaries(session);
    if (inFlight.length === 0) return summaries;
    const finished = new Set(summaries.map((s) => s.id));
    const current = inFlight.filter((s) => !finished.has(s.id));
    return [...summaries, ...current].sort((a, b) => a.seq - b.seq);
  }

  #makeHandlers(): InspectorHandlers {
    const store = this.#store;
    return {
      'status.get': () => this.status(),
      'settings.update': async (settings) => {
        // Validate both before touching anything, so a typo leaves the running proxy alone.
        parseListenAddress(settings.listenAddr);
        parseUpstream(settings.upstream);
        const allowedOrigins = (settings.allowedOrigins ?? this.#settings.allowedOrigins ?? '').trim();
        parseAllowedOrigins(allowedOrigins);
        this.#settings = {
          listenAddr: settings.listenAddr.trim(),
          upstream: settings.upstream.trim(),
          allowedOrigins,
        };
        await saveSettings(this.#options.dataDir, this.#settings);
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
      'sessions.list': () => store.list(),
      'sessions.create': async () => {
        await store.flush();
        const session = await store.startNew();
        for (const listener of this.#listeners) listener.push({ type: 'session', session });
        return session;
      },
      'sessions.delete': async (id) => {
        await store.delete(id);
        return undefined;
      },
      'export.build': async (request) =>
        exportFile(
          request.format,
          await store.records(request.ids, request.session),
          request.session ?? store.currentId,
        ),
      'import.load': async (file) => {
        const records = importSessionFile(file.name, file.content);
        const session = await store.importRecords(records, file.name);
        return { session, imported: records.length };
      },
      'replay.start': (request) => this.#replaySession(request),
      'replay.stop': () => this.stopReplay(),
      'exchanges.resend': (request) => this.#resend(request),
    };
  }
}
