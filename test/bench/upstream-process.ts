/**
 * Child process: the fake upstream the benchmark talks to, directly or through a proxy. Routes
 * are chosen by the `s` query parameter of POST /v1/chat/completions:
 *
 * - `s=fast`   a small non-streaming chat completion, zero latency (test/support/synthetic-llm.ts);
 * - `s=stream` a short synthetic chat stream, first chunk at once (time to first chunk);
 * - `s=agent`  an agent-sized turn: the request (~300 KB) is read, then a ~20 KB chat stream is
 *              sent at once (40 content events of 300 characters, usage, [DONE]);
 * - `s=ticks`  `n` SSE events `every` ms, each carrying `bench_seq` and `bench_ts` (nowMs() taken
 *              just before the write), then `[DONE]`; with `id`, a client that goes away early is
 *              reported to the parent with the time the upstream saw the close.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startFakeUpstream } from '../support/fake-upstream.ts';
import { fastJsonScript, syntheticStreamScript } from '../support/synthetic-llm.ts';
import { nowMs } from './clock.ts';
import { baseStats, serveCommands, toParent } from './ipc.ts';

const upstream = await startFakeUpstream({ record: false });
// Added first so it matches last: the most recently added matching route wins.
upstream.respond('POST /v1/chat/completions', {
  status: 400,
  body: '{"error":{"message":"bench: unknown scenario"}}',
});
upstream.respond({ method: 'POST', path: '/v1/chat/completions', query: { s: 'fast' } }, fastJsonScript());
upstream.respond(
  { method: 'POST', path: '/v1/chat/completions', query: { s: 'stream' } },
  syntheticStreamScript({ chunkCount: 3, intervalMs: 1, firstDelayMs: 0 }),
);
upstream.respond(
  { method: 'POST', path: '/v1/chat/completions', query: { s: 'agent' } },
  syntheticStreamScript({ chunkCount: 40, intervalMs: 0, firstDelayMs: 0, token: ' agent'.repeat(50) }),
);
upstream.respond(
  { method: 'POST', path: '/v1/chat/completions', query: { s: 'ticks' } },
  { kind: 'raw', handle: ticks },
);

// An OpenAI chunk with two extra fields; the prefix is built once so the timestamp is taken last.
const chunkPrefix = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: 1754688929,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, delta: { content: ' tok' }, logprobs: null, finish_reason: null }],
  usage: null,
}).slice(0, -1);

function ticks(req: IncomingMessage, res: ServerResponse): void {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  const count = Math.min(Number(query.get('n') ?? 10), 100_000);
  const every = Math.max(Number(query.get('every') ?? 20), 0);
  const id = query.get('id');
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (res.destroyed) return;
    res.write(`data: ${chunkPrefix},"bench_seq":${seq},"bench_ts":${nowMs()}}\n\n`);
    seq++;
    if (seq >= count) {
      res.end('data: [DONE]\n\n');
      return;
    }
    timer = setTimeout(tick, every);
  };
  res.on('close', () => {
    const at = nowMs();
    clearTimeout(timer);
    if (id !== null && !res.writableFinished) toParent({ type: 'aborted', id, at });
  });
  tick();
}

serveCommands(async (cmd) => {
  if (cmd === 'stop') {
    await upstream.close();
    process.exit(0);
  }
  if (cmd === 'stats') return { ...(await baseStats()), requests: upstream.requestCount };
  return undefined;
});

toParent({ type: 'ready', url: upstream.url });
