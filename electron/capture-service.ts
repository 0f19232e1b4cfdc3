import type { ExchangeRecord } from '../shared/exchange-record.ts';
import type { AnalyzerFactory } from './capture/analyzer.ts';
import { CapturePipeline, DEFAULT_LIMITS } from './capture/capture-pipeline.ts';
import type { CaptureLimits } from './capture/exchange-assembler.ts';
import { type RunningProxy, startProxy } from './proxy/proxy-server.ts';
import type { ProxyConfig } from './proxy-config.ts';

export interface CaptureServiceOptions extends ProxyConfig {
  limits?: CaptureLimits;
  queueBytes?: number;
  /** Replaces the default analyzers (tests). */
  analyzers?: AnalyzerFactory[];
  onRecord(record: ExchangeRecord): void;
  log?: (message: string) => void;
}

export interface CaptureService {
  readonly proxy: RunningProxy;
  readonly pipeline: CapturePipeline;
  /** Stops accepting traffic, then analyses what is still queued. */
  close(): Promise<void>;
}

/** The proxy and its capture pipeline, wired together: what the desktop app and `npm run serve` both run. */
export async function startCaptureService(options: CaptureServiceOptions): Promise<CaptureService> {
  const pipeline = new CapturePipeline({
    limits: options.limits ?? DEFAULT_LIMITS,
    onRecord: options.onRecord,
    ...(options.queueBytes === undefined ? {} : { queueBytes: options.queueBytes }),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.analyzers === undefined ? {} : { analyzers: options.analyzers }),
  });
  const proxy = await startProxy({
    listen: options.listen,
    upstream: options.upstream,
    headersTimeoutMs: options.headersTimeoutMs,
    sink: pipeline.queue,
  });
  return {
    proxy,
    pipeline,
    async close() {
      await proxy.close();
      pipeline.queue.resume();
      pipeline.queue.flush();
    },
  };
}
