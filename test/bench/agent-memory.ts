/**
 * Agent-sized turns (300 KB requests, 20 KB streamed answers) through `npm run serve` for a long
 * run, printing the serve process's RSS as it goes: the memory-retention check of issue 17 on
 * its own. `node test/bench/agent-memory.ts [turns] [concurrency]`; NODE_OPTIONS reaches the
 * serve process (e.g. `--max-old-space-size=400` to see whether the analysis worker runs out).
 */
import { AGENT_BODY } from './client.ts';
import { BenchChild } from './ipc.ts';
import { startTokentapServe } from './proxies.ts';
import { agentRssOverRun } from './scenario-agent.ts';

const total = Number(process.argv[2] ?? 6000);
const concurrency = Number(process.argv[3] ?? 16);
const upstream = await BenchChild.start(new URL('./upstream-process.ts', import.meta.url), []);
const serve = await startTokentapServe(upstream.url, { NODE_OPTIONS: process.env.SERVE_NODE_OPTIONS ?? '' });
console.log(
  `${total} agent turns (${(AGENT_BODY.length / 1024).toFixed(0)} KB requests) at c=${concurrency}`,
);
const t0 = Date.now();
try {
  const { samples, errors } = await agentRssOverRun(serve.url, serve, { total, every: 500, concurrency });
  for (const s of samples) console.log(`${s.exchanges}\t${(s.rss / 2 ** 20).toFixed(0)} MB`);
  console.log(
    `errors ${errors}, ${((Date.now() - t0) / 1000).toFixed(1)} s, written ${await serve.recordsWritten()}`,
  );
} finally {
  await serve.stop();
  await upstream.stop();
}
