/**
 * Tokentap as the product composes it (InspectorService: proxy, analysis worker, session store),
 * started for real on 127.0.0.1:0 in front of a real fake upstream with a fresh data directory,
 * with a way to await the records it produces as the session file holds them. Tests talk to it
 * over real sockets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { CaptureLimits } from '../../electron/capture/exchange-assembler.ts';
import { InspectorService } from '../../electron/inspector-service.ts';
import type { RunningProxy } from '../../electron/proxy/proxy-server.ts';
import type { RouteEntry } from '../../electron/proxy/routes.ts';
import type { ExchangeRecord, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.ts';

export const TEST_API_KEY = 'sk-proj-tokentapTESTkey0123456789abcdefWXYZ';

export interface Harness {
  upstream: FakeUpstream;
  service: InspectorService;
  /** The running proxy (the harness fails to start without one). */
  proxy: RunningProxy;
  /** The proxy's origin, e.g. http://127.0.0.1:41234. */
  proxyUrl: string;
  /** An official OpenAI SDK client pointed at the proxy, with retries off. */
  openai: OpenAI;
  records: ExchangeRecord[];
  /** Everything the service logged (to check that no secret leaks into logs). */
  logs: string[];
  /** Resolves with the next record to finish (records already finished come first). */
  nextRecord(): Promise<ExchangeRecord>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  headersTimeoutMs?: number;
  limits?: CaptureLimits;
  queueBytes?: number;
  /** A module in test/support/analyzers/ whose default export makes the analyzers. */
  analyzersModule?: URL;
  /** Appended to the upstream URL (the UPSTREAM path prefix). */
  upstreamPrefix?: string;
  /** Web page origins the proxy lets in (`TOKENTAP_ALLOWED_ORIGINS`). */
  allowedOrigins?: string[];
  /** Forward to this URL instead of the fake HTTP upstream (a WebSocket upstream). */
  upstreamUrl?: string;
  /** Routes besides the built-ins (`TOKENTAP_ROUTES`). */
  routes?: RouteEntry[];
  /**
   * UPSTREAM is not set (the default, https://api.openai.com, which no test may reach): unprefixed
   * Anthropic and Gemini requests go to their routes.
   */
  upstreamUnset?: boolean;
}

/** Whether a summary is of an exchange that is over: the service only says so once its line is on disk. */
function written(summary: ExchangeSummary): boolean {
  return summary.state !== 'pending' && summary.state !== 'streaming';
}

/** Starts a fake upstream and Tokentap in front of it. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstream = await startFakeUpstream();
  const dataDir = await mkdtemp(join(tmpdir(), 'tokentap-harness-'));
  const records: ExchangeRecord[] = [];
  const logs: string[] = [];
  let handed = 0;
  const waiting: Array<(record: ExchangeRecord) => void> = [];
  const service = await InspectorService.start({
    dataDir,
    env: {
      LISTEN_ADDR: '127.0.0.1:0',
      ...(options.upstreamUnset
        ? {}
        : { UPSTREAM: (options.upstreamUrl ?? upstream.url) + (options.upstreamPrefix ?? '') }),
      TOKENTAP_ALLOWED_ORIGINS: (options.allowedOrigins ?? []).join(','),
      TOKENTAP_ROUTES: (options.routes ?? []).map((route) => `${route.name}=${route.url}`).join(','),
    },
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    log: (message) => logs.push(message),
    requireProxy: true,
    capture: {
      limits: options.limits,
      queueBytes: options.queueBytes,
      analyzersModule: options.analyzersModule,
    },
  });
  // Each exchange that is over is read back from the session, in the order they were written.
  const taken = new Set<string>();
  let reading = Promise.resolve();
  service.subscribe({
    send(batch) {
      for (const update of batch) {
        if (update.type !== 'exchange' || !written(update.summary) || taken.has(update.summary.id)) continue;
        const { id } = update.summary;
        taken.add(id);
        reading = reading.then(async () => {
          const record = await service.handlers['exchanges.get'](id, null).catch(() => null);
          if (!record) {
            logs.push(`harness: exchange ${id} was written but cannot be read back`);
            return;
          }
          records.push(record);
          const next = waiting.shift();
          if (next) next(records[handed++] as ExchangeRecord);
        });
      }
    },
  });
  const proxy = service.proxy as RunningProxy;
  return {
    upstream,
    service,
    proxy,
    proxyUrl: proxy.url,
    openai: new OpenAI({
      apiKey: TEST_API_KEY,
      baseURL: `${proxy.url}/v1`,
      maxRetries: 0,
      timeout: 15_000,
    }),
    records,
    logs,
    nextRecord() {
      if (handed < records.length) return Promise.resolve(records[handed++] as ExchangeRecord);
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      await service.close();
      await reading.catch(() => undefined);
      await upstream.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
