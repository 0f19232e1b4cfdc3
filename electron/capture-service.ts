import { CapturePipeline, type CapturePipelineOptions } from './capture/capture-pipeline.ts';
import { type RunningProxy, startProxy } from './proxy/proxy-server.ts';
import type { ProxyConfig } from './proxy-config.ts';

export interface CaptureServiceOptions extends ProxyConfig, CapturePipelineOptions {}

export interface CaptureService {
  readonly proxy: RunningProxy;
  readonly pipeline: CapturePipeline;
  /** Stops accepting traffic, then analyses what is still queued. */
  close(): Promise<void>;
}

/** The proxy and its capture pipeline, wired together: what the desktop app and `npm run serve` both run. */
export async function startCaptureService(options: CaptureServiceOptions): Promise<CaptureService> {
  const pipeline = new CapturePipeline(options);
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
