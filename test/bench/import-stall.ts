/**
 * Forwarding while a large file is imported: `npm run serve` as a real process, streams through
 * its proxy back to back, first with nothing else going on, then while a large HAR (300 MB; 30 MB
 * with BENCH_QUICK=1) is POSTed to /api/import. Reports each phase's request latency (p50, p99,
 * max) and the longest gap between two chunks of one stream: an import that ran on the
 * forwarding thread would stall every stream for as long as it parses. Prints a table and writes
 * bench-results/import-stall.json; a measurement, never a failure.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Agent, request } from 'undici';
import { TOKENTAP_VERSION } from '../../electron/version.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { harTextPieces } from '../../shared/export-formats/har-format.ts';
import { startFakeUpstream } from '../support/fake-upstream.ts';
import { loadSseFixture } from '../support/fixtures.ts';
import { startHeadlessProcess } from '../support/headless-process.ts';
import { sampleRecords } from '../support/sample-records.ts';
import { ms } from './report.ts';
import { type StreamPhase, streamsUntil } from './streams-until.ts';

const quick = process.env.BENCH_QUICK === '1';
const HAR_MB = quick ? 30 : 300;
const STREAMS = 8;
const BASELINE_MS = quick ? 1500 : 5000;
const TOKEN = 'bench-import-token';

type Phase = StreamPhase;

/** Writes a Tokentap HAR of about `mb` megabytes (records with 20 KB bodies), entry by entry. */
async function writeHar(path: string, mb: number): Promise<number> {
  const samples = sampleRecords();
  const body = 'z'.repeat(20 * 1024);
  const out = createWriteStream(path);
  const har = harTextPieces({ version: TOKENTAP_VERSION });
  out.write(har.head);
  let count = 0;
  for (let bytes = 0; bytes < mb * 1024 * 1024; count++) {
    const template = samples[count % samples.length] as ExchangeRecord;
    const piece = har.entry(
      { ...template, id: `import-${count}`, seq: count + 1, request: { ...template.request, body } },
      count,
    );
    bytes += piece.length;
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end(har.tail(count));
  await finished(out);
  return count;
}

const upstream = await startFakeUpstream({ record: false });
upstream.respond('POST /v1/chat/completions', {
  chunks: loadSseFixture('openai-chat-stream-usage.sse', { pacingMs: 5 }),
});
const dir = await mkdtemp(join(tmpdir(), 'tokentap-bench-import-'));
const harPath = join(dir, 'big.har');
const entries = await writeHar(harPath, HAR_MB);
const harBytes = (await stat(harPath)).size;
const app = await startHeadlessProcess({
  TOKENTAP_DATA_DIR: join(dir, 'data'),
  UPSTREAM: upstream.url,
  TOKENTAP_TOKEN: TOKEN,
});
const agent = new Agent({ connections: STREAMS * 2 });

const load = {
  proxyUrl: app.proxyUrl,
  agent,
  streams: STREAMS,
  body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [] }),
};

try {
  const none = await streamsUntil(load, new Promise((resolve) => setTimeout(resolve, BASELINE_MS)));
  let importMs = 0;
  const importing = (async () => {
    const started = performance.now();
    const res = await request(`${app.uiUrl}/api/import?name=big.har`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: createReadStream(harPath),
    });
    const text = await res.body.text();
    importMs = performance.now() - started;
    if (res.statusCode !== 201) throw new Error(`import failed (${res.statusCode}): ${text.slice(0, 300)}`);
  })();
  const during = await streamsUntil(load, importing);
  await importing;
  const figures: [string, (p: Phase) => string][] = [
    ['requests', (p) => String(p.requests)],
    ['request p50', (p) => ms(p.p50)],
    ['request p99', (p) => ms(p.p99)],
    ['request max', (p) => ms(p.max)],
    ['longest chunk gap', (p) => ms(p.maxGapMs)],
  ];
  console.log(
    `\nForwarding during a large import: ${STREAMS} SSE streams back to back; the import is a ${(harBytes / 2 ** 20).toFixed(0)} MB HAR of ${entries} entries (took ${(importMs / 1000).toFixed(1)} s)`,
  );
  console.log(`${'figure'.padEnd(18)}${'no import'.padStart(16)}${'during import'.padStart(16)}`);
  for (const [name, of] of figures)
    console.log(`${name.padEnd(18)}${of(none).padStart(16)}${of(during).padStart(16)}`);
  const results = new URL('../../bench-results/', import.meta.url);
  await mkdir(results, { recursive: true });
  await writeFile(
    new URL('import-stall.json', results),
    `${JSON.stringify({ harBytes, entries, importMs, none, during }, null, 2)}\n`,
  );
} finally {
  app.child.kill('SIGTERM');
  await app.exited;
  await agent.close();
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
}
