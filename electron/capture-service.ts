import { AnalysisWorkerHost, type AnalysisWorkerHostOptions } from './capture/analysis-worker-host.ts';
import { type RunningProxy, startProxy } from './proxy/proxy-server.ts';
import type { ProxyConfig } from './proxy-config.ts';

export interface CaptureServiceOptions extends ProxyConfig, AnalysisWorkerHostOptions {}

export interface CaptureService {
  readonly proxy: RunningProxy;
  readonly analysis: AnalysisWorkerHost;
  /** Stops accepting traffic, then analyses what is still queued. */
  close(): Promise<void>;
}

/** The proxy and its capture analysis, wired together: what the tests and the benchmark run. */
export async function startCaptureService(options: CaptureServiceOptions): Promise<CaptureService> {
  const analysis = new AnalysisWorkerHost(options);
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({
      listen: options.listen,
      upstream: options.upstream,
      headersTimeoutMs: options.headersTimeoutMs,
      sink: analysis.queue,
      allowedOrigins: options.allowedOrigins,
      routes: options.routes,
      autoDetect: options.autoDetect,
    });
  } catch (error) {
    await analysis.close();
    throw error;
  }
  return {
    proxy,
    analysis,
    async close() {
      await proxy.close();
      await analysis.close();
    },
  };
}
