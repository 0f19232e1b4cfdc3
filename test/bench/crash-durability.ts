/**
 * Crash durability, measured: `npm run serve` as a real process under load with large request
 * bodies (900 KB by default), killed with -9; then the session file is read back and every
 * exchange the clients saw complete but the file lacks is counted, with how long before the kill
 * it had completed. The oldest such age is the real durability bound on this machine.
 * `node test/bench/crash-durability.ts` (CLIENTS, BODY_KB, RUN_MS; BENCH_QUICK=1 for a short run).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startFakeUpstream } from '../support/fake-upstream.ts';
import { startHeadlessProcess } from '../support/headless-process.ts';

const quick = process.env.BENCH_QUICK === '1';
const clients = Number(process.env.CLIENTS ?? 8);
const bodyKb = Number(process.env.BODY_KB ?? 900);
const runMs = Number(process.env.RUN_MS ?? (quick ? 1000 : 3000));
const rounds = quick ? 1 : 3;

/** One run: load, kill -9, read back. */
async function once(): Promise<{ completed: number; onDisk: number; lostAgesMs: number[] }> {
  const upstream = await startFakeUpstream({ record: false });
  upstream.respond('POST /v1/chat/completions', {
    body: JSON.stringify({ id: 'x', object: 'chat.completion', choices: [], model: 'gpt-4o' }),
    headers: { 'content-type': 'application/json' },
  });
  const dir = await mkdtemp(join(tmpdir(), 'tokentap-durability-'));
  const app = await startHeadlessProcess({
    TOKENTAP_DATA_DIR: dir,
    UPSTREAM: upstream.url,
    TOKENTAP_TOKEN: 't',
  });
  const agent = new Agent({ connections: 64 });
  const filler = 'x'.repeat(bodyKb * 1024);
  const endedAt = new Map<string, number>();
  let stop = false;
  const load = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; !stop; i++) {
      const marker = `c${c}-r${i}`;
      try {
        const res = await request(`${app.proxyUrl}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            user: marker,
            model: 'gpt-4o',
            messages: [{ role: 'user', content: filler }],
          }),
        });
        await res.body.text();
        endedAt.set(marker, performance.now());
      } catch {
        return; // cut by the kill
      }
    }
  });
  await new Promise((resolve) => setTimeout(resolve, runMs));
  const killedAt = performance.now();
  app.child.kill('SIGKILL');
  stop = true;
  await app.exited;
  await Promise.all(load);
  await agent.close();
  await upstream.close();
  const names = await readdir(join(dir, 'sessions'));
  const file = names.find((n) => n.endsWith('.jsonl') && !n.endsWith('.index.jsonl')) as string;
  const onDisk = new Set<string>();
  for (const line of (await readFile(join(dir, 'sessions', file), 'utf8')).split('\n')) {
    const marker = /\\"user\\":\\"(c\d+-r\d+)\\"/.exec(line)?.[1];
    if (marker && line.endsWith('}')) onDisk.add(marker);
  }
  await rm(dir, { recursive: true, force: true });
  const lostAgesMs = [...endedAt]
    .filter(([marker]) => !onDisk.has(marker))
    .map(([, at]) => Math.round(killedAt - at))
    .sort((a, b) => b - a);
  return { completed: endedAt.size, onDisk: onDisk.size, lostAgesMs };
}

console.log(`Crash durability: ${clients} clients, ${bodyKb} KB request bodies, kill -9 after ${runMs} ms`);
console.log('round  completed  on disk  lost  oldest lost (ms before the kill)');
for (let round = 1; round <= rounds; round++) {
  const { completed, onDisk, lostAgesMs } = await once();
  console.log(
    `${String(round).padStart(5)}  ${String(completed).padStart(9)}  ${String(onDisk).padStart(7)}  ${String(lostAgesMs.length).padStart(4)}  ${lostAgesMs[0] ?? 0}`,
  );
}
