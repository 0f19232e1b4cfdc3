/**
 * A replaying Tokentap: the capture service on 127.0.0.1:0 in replay mode, in front of a fake
 * upstream (for fall-through), with the official OpenAI SDK pointed at it and its captures kept.
 */
import OpenAI from 'openai';
import { recordOf } from '../../../electron/capture/finished-exchange.ts';
import { type CaptureService, startCaptureService } from '../../../electron/capture-service.ts';
import { parseUpstream } from '../../../electron/proxy/upstream-target.ts';
import { type ReplayOptions, ReplayResponder } from '../../../electron/replay/replay-responder.ts';
import type { ExchangeRecord } from '../../../shared/exchange-record.ts';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.ts';
import { TEST_API_KEY } from '../../support/tokentap-harness.ts';

export interface ReplayHarness {
  upstream: FakeUpstream;
  service: CaptureService;
  responder: ReplayResponder;
  proxyUrl: string;
  openai: OpenAI;
  /** Resolves with the next captured record, in the order they finish. */
  nextRecord(): Promise<ExchangeRecord>;
  close(): Promise<void>;
}

/** Starts a proxy that replays `records` with `options` (source defaults to "test"). */
export async function startReplayHarness(
  records: readonly ExchangeRecord[],
  options: Partial<ReplayOptions> = {},
): Promise<ReplayHarness> {
  const upstream = await startFakeUpstream();
  const captured: ExchangeRecord[] = [];
  const waiting: Array<(record: ExchangeRecord) => void> = [];
  const service = await startCaptureService({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: parseUpstream(upstream.url),
    headersTimeoutMs: 10_000,
    log: () => {},
    onRecord(exchange) {
      const copy = recordOf(exchange);
      const next = waiting.shift();
      if (next) next(copy);
      else captured.push(copy);
    },
  });
  const responder = new ReplayResponder(records, {
    source: 'test',
    speed: 0,
    fallthrough: false,
    faults: [],
    ...options,
  });
  service.proxy.setResponder(responder);
  return {
    upstream,
    service,
    responder,
    proxyUrl: service.proxy.url,
    openai: new OpenAI({
      apiKey: TEST_API_KEY,
      baseURL: `${service.proxy.url}/v1`,
      maxRetries: 0,
      timeout: 15_000,
    }),
    nextRecord() {
      const ready = captured.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      await service.close();
      await upstream.close();
    },
  };
}
