/**
 * Forwarding while the OpenTelemetry endpoint stalls: `npm run serve` as a real process, SSE
 * streams through its proxy back to back (each request with a 256 KB conversation, as coding
 * agents send), first with no export configured, then exporting to an OTLP endpoint that accepts
 * connections and never answers. Reports each phase's request latency (p50, p99, max), the
 * longest gap between two chunks of one stream, and what the export's status said. Prints a table
 * and writes bench-results/otel-stall.json; a measurement, never a failure.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { ProxyStatus } from '../../shared/inspector-contract.ts';
import { startFakeUpstream } from '../support/fake-upstream.ts';
import { loadSseFixture } from '../support/fixtures.ts';
import { startHeadlessProcess } from '../support/headless-process.ts';
import { startOtlpReceiver } from '../support/otlp-receiver.ts';
import { ms } from './report.ts';
import { type StreamPhase, streamsUntil } from './streams-until.ts';

const quick = process.env.BENCH_QUICK === '1';
const PHASE_MS = quick ? 1500 : 10_000;
const STREAMS = 8;
const TOKEN = 'bench-otel-token';
const conversation = JSON.stringify({
  model: 'gpt-4o',
  stream: true,
  messages: [{ role: 'user', content: 'x'.repeat(256 * 1024) }],
});

interface Phase extends StreamPhase {
  telemetry: ProxyStatus['telemetry'];
}

const upstream = await startFakeUpstream({ record: false });
upstream.respond('POST /v1/chat/completions', {
  chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 5 }),
});
const receiver = await startOtlpReceiver();
receiver.mode = 'stall';
const dir = await mkdtemp(join(tmpdir(), 'tokentap-bench-otel-'));

async function phase(name: string, env: Record<string, string>): Promise<Phase> {
  const app = await startHeadlessProcess({
    TOKENTAP_DATA_DIR: join(dir, name),
    UPSTREAM: upstream.url,
    TOKENTAP_TOKEN: TOKEN,
    ...env,
  });
  const agent = new Agent({ connections: STREAMS * 2 });
  try {
    const streamed = await streamsUntil(
      {
        proxyUrl: app.proxyUrl,
        agent,
        streams: STREAMS,
        body: conversation,
        headers: { authorization: 'Bearer sk-bench-0123456789' },
      },
      new Promise((resolve) => setTimeout(resolve, PHASE_MS)),
    );
    const status = await request(`${app.uiUrl}/api/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const telemetry = ((await status.body.json()) as ProxyStatus).telemetry ?? null;
    return { ...streamed, telemetry };
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
    await agent.close();
  }
}

try {
  const none = await phase('none', {});
  const stalled = await phase('stalled', {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
  });
  const figures: [string, (p: Phase) => string][] = [
    ['requests', (p) => String(p.requests)],
    ['request p50', (p) => ms(p.p50)],
    ['request p99', (p) => ms(p.p99)],
    ['request max', (p) => ms(p.max)],
    ['longest chunk gap', (p) => ms(p.maxGapMs)],
  ];
  console.log(
    `\nForwarding with the OTLP endpoint stalled: ${STREAMS} SSE streams back to back, 256 KB requests, ${PHASE_MS / 1000} s a phase`,
  );
  console.log(`${'figure'.padEnd(18)}${'no export'.padStart(16)}${'endpoint stalled'.padStart(18)}`);
  for (const [name, of] of figures)
    console.log(`${name.padEnd(18)}${of(none).padStart(16)}${of(stalled).padStart(18)}`);
  const t = stalled.telemetry;
  console.log(
    `export status while stalled: ${t?.state} (${t?.error ?? 'no error yet'}), ${t?.queued} waiting, ${t?.dropped} dropped; the endpoint held ${receiver.stalled} exports`,
  );
  const results = new URL('../../bench-results/', import.meta.url);
  await mkdir(results, { recursive: true });
  await writeFile(new URL('otel-stall.json', results), `${JSON.stringify({ none, stalled }, null, 2)}\n`);
} finally {
  receiver.releaseStalled();
  await receiver.close();
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
}
