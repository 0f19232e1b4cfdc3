import type { ExchangeRecord } from '../shared/exchange-record.ts';
import { startCaptureService } from './capture-service.ts';
import { proxyConfigFromEnv } from './proxy-config.ts';

/** One line per finished exchange, like an access log that understands LLM calls. */
function describeRecord(record: ExchangeRecord): string {
  const usage = record.usage
    ? `${record.usage.inputTokens}→${record.usage.outputTokens} tok`
    : 'usage unknown';
  const cost = record.costUsd === null ? '' : ` $${record.costUsd.toFixed(6)}`;
  const ttft =
    record.timings.firstTokenMs === null ? '' : ` ttft ${record.timings.firstTokenMs.toFixed(0)}ms`;
  const total = record.timings.totalMs === null ? '' : ` ${record.timings.totalMs.toFixed(0)}ms`;
  const flags = record.integrity.length ? ` [${record.integrity.join(', ')}]` : '';
  return `${record.method} ${record.path} ${record.status ?? record.state} ${record.api} ${record.model ?? '-'} ${record.tenant ?? '-'} ${usage}${cost}${ttft}${total}${flags}`;
}

async function main(): Promise<void> {
  const config = proxyConfigFromEnv(process.env);
  const service = await startCaptureService({
    ...config,
    onRecord: (record) => console.log(describeRecord(record)),
  });
  console.log(`Tokentap proxy listening on ${service.proxy.url}, forwarding to ${config.upstream.url}`);
  console.log(`Point your SDK at base_url=${service.proxy.url}/v1`);
  const stop = async () => {
    await service.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`tokentap: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
