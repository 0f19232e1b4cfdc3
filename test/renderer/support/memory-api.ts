import { searchableText } from '../../../electron/search/searchable-text.ts';
import { downloadFile } from '../../../renderer/download.ts';
import type {
  ExportRequest,
  InspectorApi,
  LiveUpdate,
  ProxyStatus,
  ReplayStartRequest,
  ReplayStatus,
  ResendRequest,
  RouteInfo,
  SessionInfo,
  Settings,
} from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { listThreads, threadDetail, threadTurn } from '../../../shared/threads/thread-list.ts';
import { usageTotals } from '../../../shared/usage/usage-totals.ts';
import { summaryOf } from './records.ts';

interface Session {
  info: SessionInfo;
  records: Map<string, ExchangeRecord>;
  /** Summaries of exchanges still running (no record yet). */
  live: Map<string, ExchangeSummary>;
}

/**
 * An in-memory InspectorApi for component tests: a test double for the transport (IPC or HTTP),
 * serving records the real capture analyzers built from recorded wire fixtures.
 */
export class MemoryApi implements InspectorApi {
  readonly sessionMap = new Map<string, Session>();
  currentId: string;
  settingsValue: Settings = { listenAddr: '127.0.0.1:3000', upstream: 'https://api.openai.com' };
  /** The routes the status reports (the main side builds them from the settings). */
  routeList: RouteInfo[] = [];
  paused = false;
  replayStatus: ReplayStatus | null = null;
  /** What `exchanges.resend` answers with; by default a copy of the original, linked to it. */
  resendResult: ((request: ResendRequest) => ExchangeRecord) | null = null;
  readonly calls: { channel: string; args: unknown[] }[] = [];
  readonly #listeners = new Set<(batch: LiveUpdate[]) => void>();
  #sessionCount = 0;

  constructor(records: readonly ExchangeRecord[] = []) {
    this.currentId = this.#newSession().info.id;
    for (const r of records) this.current.records.set(r.id, r);
  }

  #newSession(name?: string): Session {
    this.#sessionCount += 1;
    const id = `s${this.#sessionCount}`;
    const session: Session = {
      info: {
        id,
        name: name ?? `2026-11-26T19-3${this.#sessionCount}-00-000Z`,
        createdAt: new Date(Date.UTC(2026, 10, 26, 19, 30 + this.#sessionCount)).toISOString(),
        exchanges: 0,
        bytes: 0,
        current: false,
      },
      records: new Map(),
      live: new Map(),
    };
    this.sessionMap.set(id, session);
    return session;
  }

  get current(): Session {
    const s = this.sessionMap.get(this.currentId);
    if (!s) throw new Error('no current session');
    return s;
  }

  #session(id: string | null): Session {
    const s = this.sessionMap.get(id ?? this.currentId);
    if (!s) throw new Error(`no session ${id}`);
    return s;
  }

  #info(s: Session): SessionInfo {
    return {
      ...s.info,
      exchanges: s.records.size,
      bytes: [...s.records.values()].reduce((n, r) => n + JSON.stringify(r).length + 1, 0),
      current: s.info.id === this.currentId,
    };
  }

  #status(): ProxyStatus {
    return {
      listening: true,
      listenAddr: this.settingsValue.listenAddr,
      proxyUrl: `http://${this.settingsValue.listenAddr}`,
      upstream: this.settingsValue.upstream,
      routes: this.settingsValue.routes ?? '',
      routeList: this.routeList,
      autoDetect: false,
      error: null,
      capturePaused: this.paused,
      session: this.#info(this.current),
      replay: this.replayStatus,
    };
  }

  #summaries(s: Session): ExchangeSummary[] {
    return [...[...s.records.values()].map(summaryOf), ...s.live.values()].sort((a, b) => a.seq - b.seq);
  }

  #log(channel: string, ...args: unknown[]) {
    this.calls.push({ channel, args });
  }

  /** Sends a batch of live updates to the subscribers, as the main process would. */
  emit(batch: LiveUpdate[]): void {
    for (const listener of this.#listeners) listener(batch);
  }

  /** An exchange progressing in the current session: its summary is pushed; a record is kept once it ends. */
  progress(summary: ExchangeSummary, record?: ExchangeRecord): void {
    if (record) {
      this.current.live.delete(summary.id);
      this.current.records.set(record.id, record);
    } else {
      this.current.live.set(summary.id, summary);
    }
    this.emit([{ type: 'exchange', summary }]);
  }

  status = {
    get: async () => {
      this.#log('status.get');
      return this.#status();
    },
  };

  settings = {
    update: async (settings: Settings) => {
      this.#log('settings.update', settings);
      if (!/^[\w.[\]:-]+:\d+$/.test(settings.listenAddr))
        throw new Error(`bad listen address ${settings.listenAddr}`);
      this.settingsValue = settings;
      return this.#status();
    },
  };

  capture = {
    setPaused: async (paused: boolean) => {
      this.#log('capture.setPaused', paused);
      this.paused = paused;
      return this.#status();
    },
  };

  exchanges = {
    list: async (session: string | null) => {
      this.#log('exchanges.list', session);
      return this.#summaries(this.#session(session));
    },
    get: async (id: string, session: string | null) => {
      this.#log('exchanges.get', id, session);
      return this.#session(session).records.get(id) ?? null;
    },
    resend: async (request: ResendRequest) => {
      this.#log('exchanges.resend', request);
      const original = this.#session(request.session).records.get(request.id);
      if (!original) throw new Error(`No exchange "${request.id}" in this session`);
      const seq = Math.max(0, ...this.#summaries(this.current).map((s) => s.seq)) + 1;
      const record: ExchangeRecord = this.resendResult?.(request) ?? {
        ...original,
        id: `${original.id}-resent-${seq}`,
        seq,
        model: request.model ?? original.model,
        resentFrom: original.id,
      };
      const summary = summaryOf(record);
      this.progress(summary, record);
      return summary;
    },
  };

  replay = {
    start: async (request: ReplayStartRequest) => {
      this.#log('replay.start', request);
      const session = this.#session(request.session);
      this.replayStatus = {
        source: session.info.id,
        recordings: session.records.size,
        speed: request.speed,
        fallthrough: request.fallthrough,
        faults: request.faults,
        ignoredFields: request.ignoredFields ?? ['user', 'metadata'],
        served: 0,
        misses: 0,
      };
      return this.#status();
    },
    stop: async () => {
      this.#log('replay.stop');
      this.replayStatus = null;
      return this.#status();
    },
  };

  /** Pushes the current status to subscribers (a replay served or missed a request). */
  emitStatus(): void {
    this.emit([{ type: 'status', status: this.#status() }]);
  }

  usage = {
    get: async (session: string | null) => {
      this.#log('usage.get', session);
      return usageTotals(this.#summaries(this.#session(session)));
    },
  };

  search = {
    text: async (text: string, session: string | null) => {
      this.#log('search.text', text, session);
      const needle = text.toLowerCase();
      return [...this.#session(session).records.values()]
        .filter((record) => searchableText(record).includes(needle))
        .map((record) => record.id);
    },
  };

  threads = {
    list: async (session: string | null) => {
      this.#log('threads.list', session);
      return listThreads(this.#summaries(this.#session(session)));
    },
    get: async (id: string, session: string | null) => {
      this.#log('threads.get', id, session);
      const summaries = this.#summaries(this.#session(session)).filter((s) => s.thread?.id === id);
      const item = listThreads(summaries)[0];
      if (!item) return null;
      const records = this.#session(session).records;
      const turns = summaries.flatMap((s) => {
        const record = records.get(s.id);
        return record && s.thread ? [threadTurn(record, s.thread)] : [];
      });
      return threadDetail(item, turns);
    },
  };

  sessions = {
    list: async () => {
      this.#log('sessions.list');
      return [...this.sessionMap.values()].map((x) => this.#info(x));
    },
    create: async () => {
      this.#log('sessions.create');
      const session = this.#newSession();
      this.currentId = session.info.id;
      const info = this.#info(session);
      this.emit([{ type: 'session', session: info }]);
      return info;
    },
    delete: async (id: string) => {
      this.#log('sessions.delete', id);
      if (id === this.currentId) throw new Error('The current session cannot be deleted.');
      this.sessionMap.delete(id);
      return undefined;
    },
  };

  export = {
    build: async (request: ExportRequest) => {
      this.#log('export.build', request);
      const session = this.#session(request.session);
      const records = [...session.records.values()].filter(
        (r) => request.ids === null || request.ids.includes(r.id),
      );
      if (request.format === 'jsonl') {
        return {
          fileName: `${session.info.name}.jsonl`,
          mimeType: 'application/x-ndjson',
          content: records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''),
        };
      }
      const har = {
        log: {
          version: '1.2',
          creator: { name: 'Tokentap', version: '0.1.0' },
          entries: records.map((r) => ({
            startedDateTime: r.startedAt,
            time: r.timings.totalMs ?? 0,
            request: { method: r.method, url: `http://127.0.0.1:3000${r.path}` },
            response: { status: r.status ?? 0, content: { text: r.response?.body ?? '' } },
            _tokentap: { id: r.id },
          })),
        },
      };
      return {
        fileName: `${session.info.name}.har`,
        mimeType: 'application/json',
        content: JSON.stringify(har),
      };
    },
  };

  /** As the browser client without a download link: the file built by a call, then downloaded. */
  async saveExport(request: ExportRequest): Promise<string | null> {
    downloadFile(await this.export.build(request));
    return null;
  }

  import = {
    load: async (file: { name: string; content: string }) => {
      this.#log('import.load', file.name);
      const lines = file.content.split('\n').filter((l) => l.trim() !== '');
      const records = lines.map((line, i) => {
        try {
          return JSON.parse(line) as ExchangeRecord;
        } catch {
          throw new Error(`${file.name} line ${i + 1} is not JSON`);
        }
      });
      const session = this.#newSession(file.name.replace(/\.[^.]+$/, ''));
      for (const r of records) session.records.set(r.id, r);
      return { session: this.#info(session), imported: records.length };
    },
  };

  onUpdates(listener: (batch: LiveUpdate[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** How many subscribers are listening (tests check unsubscription). */
  get listenerCount(): number {
    return this.#listeners.size;
  }
}
