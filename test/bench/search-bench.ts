/**
 * Full-text search on the session the sessions benchmark builds (100,000 exchanges with 20 KB
 * bodies; 10,000 with BENCH_QUICK=1): written by its generator in a child process through the
 * real SessionStore (which saves each exchange's search signature in the session's sidecar as it
 * writes its line), then searched through the product's SearchThread as `text:"…"` is answered,
 * each "restart" a fresh search thread. Reports the first query after a restart with the sidecar,
 * then without it (rebuilt from the records and saved), then with the saved one; queries that
 * match nothing; one exchange's worth of text that every generated exchange shares (the worst
 * case: all read back); and the sidecar's bytes per exchange. Prints and writes
 * bench-results/search.json; a measurement, never a failure.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sidecarPath } from '../../electron/search/search-sidecar.ts';
import { SearchThread } from '../../electron/search/search-thread.ts';
import { loadIndex } from '../../electron/sessions/session-index.ts';

const dir = await mkdtemp(join(tmpdir(), 'tokentap-bench-search-'));
try {
  const generator = join(import.meta.dirname, 'sessions-bench.ts');
  const written = JSON.parse(
    execFileSync(process.execPath, ['--expose-gc', generator, 'write', dir], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1) as string,
  ) as { sessionId: string; fileMb: number };
  const dataPath = join(dir, 'sessions', `${written.sessionId}.jsonl`);
  const sidecar = sidecarPath(dataPath);
  const sidecarBytes = (await stat(sidecar)).size;
  const loadStarted = performance.now();
  const { entries, blocks } = await loadIndex(
    dataPath,
    join(dir, 'sessions', `${written.sessionId}.index.jsonl`),
  );
  const loadIndexMs = Math.round(performance.now() - loadStarted);
  const timed = async (search: SearchThread, text: string) => {
    const started = performance.now();
    const hits = await search.search(dataPath, entries, blocks, text, true);
    return {
      text,
      ms: Math.round(performance.now() - started),
      hits: hits.ids.length,
      candidates: hits.candidates,
      loaded: hits.loaded,
      rebuilt: hits.rebuilt,
    };
  };
  /** The first query of a fresh search thread (as after a restart). */
  const afterRestart = async (text: string) => {
    const search = new SearchThread();
    try {
      return await timed(search, text);
    } finally {
      await search.close();
    }
  };
  const withSidecar = await afterRestart('no such words anywhere');
  await rm(sidecar);
  const rebuilt = await afterRestart('no such words anywhere');
  const savedSidecar = await afterRestart('no such words anywhere');
  const search = new SearchThread();
  const misses: Array<Awaited<ReturnType<typeof timed>>> = [];
  const everywhere = await (async () => {
    try {
      for (const text of ['no such words anywhere', 'quarterly revenue forecast', 'zebra'])
        misses.push(await timed(search, text));
      return await timed(search, 'capital of mexico');
    } finally {
      await search.close();
    }
  })();
  const results = {
    exchanges: entries.length,
    fileMb: written.fileMb,
    sidecarBytesPerExchange: Math.round(sidecarBytes / entries.length),
    loadIndexMs,
    withSidecar,
    rebuilt,
    savedSidecar,
    misses,
    everywhere,
  };
  console.log(
    `\nFull-text search: ${entries.length.toLocaleString('en')} exchanges (${written.fileMb} MB session, the sessions bench's generator)`,
  );
  console.log(
    `  search sidecar                          ${results.sidecarBytesPerExchange} bytes per exchange (${(sidecarBytes / 1024 / 1024).toFixed(1)} MB)`,
  );
  console.log(`  reopen: the session's index (main)      ${loadIndexMs} ms`);
  const first = (label: string, r: typeof withSidecar) =>
    console.log(
      `${`  first query after a restart, ${label}`.padEnd(52)}${r.ms} ms (${r.loaded} signatures loaded, ${r.rebuilt} rebuilt from records)`,
    );
  first('sidecar', withSidecar);
  first('no sidecar', rebuilt);
  first('its rebuilt sidecar', savedSidecar);
  for (const m of misses)
    console.log(`${`  "${m.text}"`.padEnd(52)}${m.ms} ms, ${m.hits} hits (${m.candidates} read back)`);
  console.log(
    `${`  "${everywhere.text}"`.padEnd(52)}${everywhere.ms} ms, ${everywhere.hits} hits (in every generated exchange: all read back)`,
  );
  const out = new URL('../../bench-results/', import.meta.url);
  await mkdir(out, { recursive: true });
  await writeFile(new URL('search.json', out), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
