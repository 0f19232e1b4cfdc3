/**
 * The whole Tokentap capture service, started for real on 127.0.0.1:0 in front of a real fake
 * upstream, with a way to await the records it produces. Tests talk to it over real sockets.
 */
import OpenAI from 'openai';
import type { CaptureLimits } from '../../electron/capture/exchange-assembler.ts';
import { recordOf } from '../../electron/capture/finished-exchange.ts';
import { type CaptureService, startCaptureService } from '../../electron/capture-service.ts';
import type { RouteEntry } from '../../electron/proxy/routes.ts';
import { parseUpstream } from '../../electron/proxy/upstream-target.ts';
import type { ExchangeRecord } from '../../shared/exchange-record.ts';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.ts';

export const TEST_API_KEY = 'sk-proj-tokentapTESTkey0123456789abcdefWXYZ';

export interface Harness {
  upstream: FakeUpstream;
  service: CaptureService;
  /** The proxy's origin, e.g. http://127.0.0.1:41234. */
  proxyUrl: string;
  /** An official OpenAI SDK client pointed at the proxy, with retries off. */
  openai: OpenAI;
  records: ExchangeRecord[];
  /** Everything the pipeline logged (to check that no secret leaks into logs). */
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
  /** Unprefixed Anthropic and Gemini requests go to their routes (as while UPSTREAM is unset). */
  autoDetect?: boolean;
}

/** Starts a fake upstream and Tokentap in front of it. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstream = await startFakeUpstream();
  const records: ExchangeRecord[] = [];
  const logs: string[] = [];
  let handed = 0;
  const waiting: Array<(record: ExchangeRecord) => void> = [];
  const service = await startCaptureService({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: parseUpstream((options.upstreamUrl ?? upstream.url) + (options.upstreamPrefix ?? '')),
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    allowedOrigins: options.allowedOrigins,
    routes: options.routes,
    autoDetect: options.autoDetect,
    limits: options.limits,
    queueBytes: options.queueBytes,
    analyzersModule: options.analyzersModule,
    log: (message) => logs.push(message),
    onRecord(exchange) {
      // The record as the session file holds it.
      records.push(recordOf(exchange));
      const next = waiting.shift();
      if (next) next(records[handed++] as ExchangeRecord);
    },
  });
  return {
    upstream,
    service,
    proxyUrl: service.proxy.url,
    openai: new OpenAI({
      apiKey: TEST_API_KEY,
      baseURL: `${service.proxy.url}/v1`,
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
      await upstream.close();
    },
  };
}
