/**
 * Forwarding while the OpenTelemetry endpoint stalls: `npm run serve` as a real process, SSE
 * streams through its proxy back to back (each request with a 256 KB conversation, as coding
 * agents send), first with no export configured, then exporting to an OTLP endpoint that accepts
 * connections and never answers. Reports each phase's request latency (p50, p99, max), the
 * longest gap between two chunks of one stream, and what the export's status said. Prints a table
 * and writes bench-results/otel-stall.json; a measurement, never a failure.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { ProxyStatus } from '../../shared/contract/inspector-contract.ts';
import { startFakeUpstream } from '../support/fake-upstream.ts';
import { loadSseFixture } from '../support/fixtures.ts';
import { startHeadlessProcess } from '../support/headless-process.ts';
import { startOtlpReceiver } from '../support/otlp-receiver.ts';
import { ms } from './report.ts';
import { type StreamPhase, streamsUntil } from './streams-until.ts';

const quick = process.env.BENCH_QUICK === '1';
const PHASE_MS = quick ? 1500 : 8000;
const ROUNDS = quick ? 1 : 3;
/** Streams before measuring: the export thread loads the OpenTelemetry SDK first (about a second of CPU). */
const WARMUP_MS = quick ? 500 : 2000;
const STREAMS = 8;
const TOKEN = 'bench-otel-token';
const conversation = JSON.stringify({
  model: 'gpt-4o',
  stream: true,
  messages: [{ role: 'user', content: 'x'.repeat(256 * 1024) }],
});

interface Phase extends StreamPhase {
  telemetry: ProxyStatus['telemetry'];
  /** CPU the proxy process used during the phase, ms: its main (forwarding) thread, and the rest (workers, GC, libuv). */
  mainThreadCpuMs: number;
  otherThreadsCpuMs: number;
}

/** CPU ms of each thread of a process, by thread id (from /proc; USER_HZ is 100). */
async function threadCpu(pid: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const task of await readdir(`/proc/${pid}/task`)) {
    try {
      const stat = await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(task, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended in between.
    }
  }
  return out;
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
  const pid = app.child.pid ?? 0;
  try {
    const load = {
      proxyUrl: app.proxyUrl,
      agent,
      streams: STREAMS,
      body: conversation,
      headers: { authorization: 'Bearer sk-bench-0123456789' },
    };
    await streamsUntil(load, new Promise((resolve) => setTimeout(resolve, WARMUP_MS)));
    const before = await threadCpu(pid);
    const streamed = await streamsUntil(load, new Promise((resolve) => setTimeout(resolve, PHASE_MS)));
    const status = await request(`${app.uiUrl}/api/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const telemetry = ((await status.body.json()) as ProxyStatus).telemetry ?? null;
    const after = await threadCpu(pid);
    let otherThreadsCpuMs = 0;
    for (const [task, cpu] of after)
      if (task !== String(pid)) otherThreadsCpuMs += cpu - (before.get(task) ?? 0);
    const mainThreadCpuMs = (after.get(String(pid)) ?? 0) - (before.get(String(pid)) ?? 0);
    return { ...streamed, telemetry, mainThreadCpuMs, otherThreadsCpuMs };
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
    await agent.close();
  }
}

try {
  // Interleaved (no export, stalled, no export, …): a machine whose load changes meanwhile
  // (other work on the same two cores) weighs on both columns alike.
  const rounds: { none: Phase; stalled: Phase }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const none = await phase(`none-${round}`, {});
    const stalled = await phase(`stalled-${round}`, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
    });
    rounds.push({ none, stalled });
  }
  const perRequest = (cpu: number, p: Phase) => `${(cpu / p.requests).toFixed(2)} ms`;
  const figures: [string, (p: Phase) => string][] = [
    ['requests', (p) => String(p.requests)],
    ['request p50', (p) => ms(p.p50)],
    ['request p99', (p) => ms(p.p99)],
    ['request max', (p) => ms(p.max)],
    ['longest chunk gap', (p) => ms(p.maxGapMs)],
    ['main CPU/request', (p) => perRequest(p.mainThreadCpuMs, p)],
    ['other CPU/request', (p) => perRequest(p.otherThreadsCpuMs, p)],
  ];
  console.log(
    `\nForwarding with the OTLP endpoint stalled: ${STREAMS} SSE streams back to back, 256 KB requests, ${PHASE_MS / 1000} s a phase, ${ROUNDS} rounds interleaved`,
  );
  console.log(
    `(CPU per request: the proxy process's main thread, which forwards, and all its other threads)`,
  );
  const columns = rounds.flatMap((_, r) => [`no export #${r + 1}`, `stalled #${r + 1}`]);
  console.log(`${'figure'.padEnd(18)}${columns.map((c) => c.padStart(16)).join('')}`);
  for (const [name, of] of figures)
    console.log(
      `${name.padEnd(18)}${rounds
        .flatMap((r) => [of(r.none), of(r.stalled)])
        .map((v) => v.padStart(16))
        .join('')}`,
    );
  const t = rounds.at(-1)?.stalled.telemetry;
  console.log(
    `export status while stalled: ${t?.state} (${t?.error ?? 'no error yet'}), ${t?.queued} waiting, ${t?.dropped} dropped; the endpoint held ${receiver.stalled} exports`,
  );
  const results = new URL('../../bench-results/', import.meta.url);
  await mkdir(results, { recursive: true });
  await writeFile(new URL('otel-stall.json', results), `${JSON.stringify({ rounds }, null, 2)}\n`);
} finally {
  receiver.releaseStalled();
  await receiver.close();
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
}
