/**
 * Sessions at scale: 100,000 exchanges with 20 KB bodies appended through the real SessionStore
 * in a child process (so its RSS is the main process's), then the session reopened in a fresh
 * process. Reports RSS growth (goal < 150 MB) and reopen time (goal < 3 s). BENCH_QUICK=1 shrinks it.
 */

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishExchange } from '../../electron/capture/finished-exchange.ts';

const COUNT = process.env.BENCH_QUICK === '1' ? 10_000 : 100_000;
const BODY_BYTES = 20 * 1024;

/** What a child run reports on its last stdout line. */
interface WriteResult {
  rssBeforeMb: number;
  rssAfterMb: number;
  heapAfterMb: number;
  externalAfterMb: number;
  heapTotalAfterMb: number;
  writeSeconds: number;
  fileMb: number;
  sessionId: string;
}
interface ReopenResult {
  reopenSeconds: number;
  exchanges: number;
  rssMb: number;
  readOneMs: number;
  /** The whole session exported as HAR (to a sink that discards it): time, size, peak RSS growth. */
  exportSeconds: number;
  exportMb: number;
  exportRssPeakGrowthMb: number;
}

export interface SessionsBenchResult extends WriteResult, ReopenResult {
  count: number;
  rssGrowthMb: number;
}

/** Runs both phases and returns the numbers. */
export async function sessionsBench(): Promise<SessionsBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tokentap-bench-sessions-'));
  try {
    const child = (phase: string, ...args: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, ['--expose-gc', import.meta.filename, phase, dir, ...args], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        })
          .trim()
          .split('\n')
          .at(-1) as string,
      );
    const written = child('write') as WriteResult;
    const reopened = child('reopen', written.sessionId) as ReopenResult;
    return {
      count: COUNT,
      ...written,
      ...reopened,
      rssGrowthMb: mb((written.rssAfterMb - written.rssBeforeMb) * 1024 * 1024),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function writePhase(dir: string): Promise<WriteResult> {
  const { SessionStore } = await import('../../electron/sessions/session-store.ts');
  const { streamRecord } = await import('../support/sample-records.ts');
  const template = streamRecord();
  const body = 'x'.repeat(BODY_BYTES / 2);
  const store = await SessionStore.open(dir, () => {});
  gc();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const record = {
      ...template,
      id: `bench-${i}`,
      seq: i + 1,
      request: { ...template.request, body },
      response: template.response && { ...template.response, body },
    };
    store.append(finishExchange(record));
    // Heavy traffic: 20 exchanges per flush window (400 per second at the 50 ms window).
    if (i % 20 === 19) await store.flush();
  }
  await store.flush();
  const writeSeconds = (performance.now() - started) / 1000;
  // An idle moment, as between bursts of real traffic: V8's memory reducer returns the heap it
  // grew for the burst. What is still held after it is what the session really keeps.
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    gc();
  }
  const memory = process.memoryUsage();
  const info = await store.info(store.currentId);
  await store.close();
  return {
    rssBeforeMb: mb(rssBefore),
    rssAfterMb: mb(memory.rss),
    heapAfterMb: mb(memory.heapUsed),
    heapTotalAfterMb: mb(memory.heapTotal),
    externalAfterMb: mb(memory.external),
    writeSeconds: Math.round(writeSeconds * 100) / 100,
    fileMb: mb(info.bytes),
    sessionId: store.currentId,
  };
}

async function reopenPhase(dir: string, sessionId: string): Promise<ReopenResult> {
  const { SessionStore } = await import('../../electron/sessions/session-store.ts');
  const store = await SessionStore.open(join(dir, 'reopen'), () => {});
  const { loadIndex } = await import('../../electron/sessions/session-index.ts');
  const started = performance.now();
  const sessions = join(dir, 'sessions');
  const { entries } = await loadIndex(
    join(sessions, `${sessionId}.jsonl`),
    join(sessions, `${sessionId}.index.jsonl`),
  );
  const reopenSeconds = (performance.now() - started) / 1000;
  const { readRecord } = await import('../../electron/sessions/session-index.ts');
  const readStarted = performance.now();
  await readRecord(join(sessions, `${sessionId}.jsonl`), entries[Math.floor(entries.length / 2)] as never);
  const readOneMs = performance.now() - readStarted;
  const rssMb = mb(process.memoryUsage().rss);

  // The export streams: however big the session, memory must not grow with it.
  const { readRecords } = await import('../../electron/sessions/session-index.ts');
  const { streamWriter, writeExport } = await import('../../electron/sessions/export-writer.ts');
  const { Writable } = await import('node:stream');
  let exportBytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      exportBytes += chunk.length;
      done();
    },
  });
  gc();
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const exportStarted = performance.now();
  await writeExport('har', readRecords(join(sessions, `${sessionId}.jsonl`), entries), streamWriter(sink));
  const exportSeconds = (performance.now() - exportStarted) / 1000;
  clearInterval(sampler);
  await store.close();
  return {
    reopenSeconds: Math.round(reopenSeconds * 1000) / 1000,
    exchanges: entries.length,
    rssMb,
    readOneMs: Math.round(readOneMs * 100) / 100,
    exportSeconds: Math.round(exportSeconds * 100) / 100,
    exportMb: mb(exportBytes),
    exportRssPeakGrowthMb: mb(rssPeak - rssStart),
  };
}

if (import.meta.main) {
  const [phase, dir, sessionId] = process.argv.slice(2);
  if (phase === 'write' && dir) console.log(JSON.stringify(await writePhase(dir)));
  else if (phase === 'reopen' && dir && sessionId)
    console.log(JSON.stringify(await reopenPhase(dir, sessionId)));
  else {
    const result = await sessionsBench();
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log(
      `sessions: ${result.count.toLocaleString('en')} exchanges with 20 KB bodies (${result.fileMb} MB on disk)`,
    );
    console.log(
      `  main-process RSS growth  ${result.rssGrowthMb} MB (heap kept ${result.heapAfterMb} MB)   goal < 150 MB  ${verdict(result.rssGrowthMb < 150)}`,
    );
    console.log(
      `  reopen the session       ${result.reopenSeconds} s   goal < 3 s  ${verdict(result.reopenSeconds < 3)}`,
    );
    console.log(`  append throughput        ${Math.round(result.count / result.writeSeconds)} exchanges/s`);
    console.log(`  read one record back     ${result.readOneMs} ms`);
    console.log(
      `  export all as HAR        ${result.exportSeconds} s for ${result.exportMb} MB, RSS peak +${result.exportRssPeakGrowthMb} MB (streamed: independent of the session's size)`,
    );
    const { mkdir, writeFile } = await import('node:fs/promises');
    const results = new URL('../../bench-results/', import.meta.url);
    await mkdir(results, { recursive: true });
    await writeFile(new URL('sessions.json', results), `${JSON.stringify(result, null, 2)}\n`);
  }
}
