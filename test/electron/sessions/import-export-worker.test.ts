/**
 * Imports and exports of large files run in a worker thread, streamed: the forwarding thread's
 * event loop keeps turning while a 40 MB HAR is parsed, a JSONL upload is streamed to disk and
 * read line by line, and what comes back is exactly what went in.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKENTAP_VERSION } from '../../../electron/version.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import { parseJsonl, recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { type HeadlessHarness, startHeadlessHarness } from '../../support/headless-harness.ts';
import { sampleRecords } from '../../support/sample-records.ts';

let h: HeadlessHarness;
beforeAll(async () => {
  h = await startHeadlessHarness();
});
afterAll(() => h.close());

/** `count` distinct records with a body of `bodyBytes` each. */
function manyRecords(count: number, bodyBytes: number): ExchangeRecord[] {
  const samples = sampleRecords();
  const body = 'y'.repeat(bodyBytes);
  return Array.from({ length: count }, (_, i) => {
    const template = samples[i % samples.length] as ExchangeRecord;
    return { ...template, id: `big-${i}`, seq: i + 1, request: { ...template.request, body } };
  });
}

/** A session's records, read back through its JSONL export. */
async function sessionRecords(session: string): Promise<ExchangeRecord[]> {
  const { content } = await h.service.handlers['export.build']({ format: 'jsonl', session, ids: null });
  return parseJsonl(content);
}

/** Runs `work` and returns the longest the event loop went without turning meanwhile, and how long `work` took (ms). */
async function blockedDuring(work: () => Promise<unknown>): Promise<{ blockedMs: number; tookMs: number }> {
  const started = performance.now();
  let last = started;
  let blockedMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    blockedMs = Math.max(blockedMs, now - last);
    last = now;
  }, 5);
  await work();
  const ended = performance.now();
  clearInterval(ticker);
  return { blockedMs: Math.max(blockedMs, ended - last), tookMs: ended - started };
}

describe('imports and exports off the forwarding thread', () => {
  it('parses a deeply nested HAR in a worker: the event loop keeps turning meanwhile', async () => {
    // Two million levels of nesting beside the entries: seconds of JSON.parse, all of it one block
    // of the forwarding thread when parsed there.
    const depth = 2_000_000;
    const records = manyRecords(3, 1000);
    const har = JSON.stringify(recordsToHar(records, { version: TOKENTAP_VERSION }));
    const content = `${har.slice(0, -1)},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    let result: { session: { id: string; exchanges: number }; imported: number } | undefined;
    const { blockedMs, tookMs } = await blockedDuring(async () => {
      result = await h.service.handlers['import.load']({ name: 'nested.har', content });
    });
    expect(result?.imported).toBe(3);
    expect(result?.session.exchanges).toBe(3);
    expect(blockedMs).toBeLessThan(tookMs / 4);
    expect(await sessionRecords(result?.session.id as string)).toEqual(records);
  }, 60_000);

  it('streams a JSONL upload to disk and reads it line by line in a worker, refusing a bad line by number', async () => {
    const records = manyRecords(300, 100_000);
    const jsonl = recordsToJsonl(records);
    const pieces = (text: string) =>
      Readable.from(text.match(/[\s\S]{1,65536}/g) ?? [], { objectMode: true });
    const asBuffers = (text: string) => pieces(text).map((piece: string) => Buffer.from(piece));
    const tooLarge = () => new Error('too large');
    const imported = await h.service.importStream('big.jsonl', asBuffers(jsonl), 1 << 30, tooLarge);
    expect(imported.imported).toBe(300);
    expect(await sessionRecords(imported.session.id)).toEqual(records);
    const broken = `${jsonl}{"id": "torn"\n`;
    await expect(h.service.importStream('bad.jsonl', asBuffers(broken), 1 << 30, tooLarge)).rejects.toThrow(
      /^line 301: not JSON/,
    );
    await expect(h.service.importStream('big.jsonl', asBuffers(jsonl), 1_000_000, tooLarge)).rejects.toThrow(
      'too large',
    );
  }, 60_000);

  it('holds a large JSONL import to the redaction rules too: a key in a header never reaches the session file', async () => {
    const key = 'sk-proj-leakedINbigIMPORT0123456789abcdef';
    const records = manyRecords(30, 100_000);
    const first = records[0] as ExchangeRecord;
    records[0] = {
      ...first,
      request: { ...first.request, headers: { ...first.request.headers, 'x-api-key': key } },
    };
    const imported = await h.service.importStream(
      'keys.jsonl',
      Readable.from([Buffer.from(recordsToJsonl(records))]),
      1 << 30,
      () => new Error('too large'),
    );
    const dir = join(h.dataDir, 'sessions');
    const files = (await readdir(dir)).filter((name) => name.startsWith(imported.session.id));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) expect(await readFile(join(dir, name), 'utf8')).not.toContain(key);
  }, 60_000);

  it('exports an agent session stored as message blocks from a worker, every body whole', async () => {
    const conversation = JSON.stringify({
      model: 'gpt-4o',
      messages: Array.from({ length: 50 }, (_, i) => ({ role: 'user', content: `${i} ${'z'.repeat(2000)}` })),
    });
    const records = manyRecords(300, 0).map((r) => ({ ...r, request: { ...r.request, body: conversation } }));
    const { session } = await h.service.handlers['import.load']({
      name: 'agent.jsonl',
      content: recordsToJsonl(records),
    });
    const jsonl = await h.service.handlers['export.build']({
      format: 'jsonl',
      session: session.id,
      ids: null,
    });
    expect(jsonl.content).toBe(recordsToJsonl(records));
    const har = await h.service.handlers['export.build']({ format: 'har', session: session.id, ids: null });
    expect(har.content).toBe(JSON.stringify(recordsToHar(records, { version: TOKENTAP_VERSION }), null, 2));
  }, 60_000);

  it('exports a large session from a worker, identical to the in-memory export', async () => {
    const records = manyRecords(300, 100_000);
    const { session } = await h.service.handlers['import.load']({
      name: 'x.jsonl',
      content: recordsToJsonl(records),
    });
    const har = await h.service.handlers['export.build']({ format: 'har', session: session.id, ids: null });
    expect(har.content).toBe(JSON.stringify(recordsToHar(records, { version: TOKENTAP_VERSION }), null, 2));
    const some = await h.service.handlers['export.build']({
      format: 'jsonl',
      session: session.id,
      ids: ['big-299', 'nope', 'big-3'],
    });
    expect(some.content).toBe(recordsToJsonl([records[299], records[3]] as ExchangeRecord[]));
  }, 60_000);
});
