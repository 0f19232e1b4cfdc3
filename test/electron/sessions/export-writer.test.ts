import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishExchange } from '../../../electron/capture/finished-exchange.ts';
import {
  exportFile,
  streamWriter,
  writeExport,
  writeExportFile,
} from '../../../electron/sessions/export-writer.ts';
import { SessionStore } from '../../../electron/sessions/session-store.ts';
import { TOKENTAP_VERSION } from '../../../electron/version.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import { recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { sampleRecords } from '../../support/sample-records.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokentap-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `count` distinct records with a body of `bodyBytes` each. */
function manyRecords(count: number, bodyBytes: number): ExchangeRecord[] {
  const samples = sampleRecords();
  const body = 'x'.repeat(bodyBytes);
  return Array.from({ length: count }, (_, i) => {
    const template = samples[i % samples.length] as ExchangeRecord;
    return { ...template, id: `r-${i}`, seq: i + 1, request: { ...template.request, body } };
  });
}

describe('writeExport', () => {
  it('writes a large export in pieces that join into the same file an in-memory export makes', async () => {
    const records = manyRecords(40, 20_000);
    for (const format of ['har', 'jsonl'] as const) {
      const pieces: string[] = [];
      expect(await writeExport(format, records, (text) => void pieces.push(text))).toBe(40);
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.join('')).toBe(
        format === 'har'
          ? JSON.stringify(recordsToHar(records, { version: TOKENTAP_VERSION }), null, 2)
          : recordsToJsonl(records),
      );
      expect((await exportFile(format, records, 's')).content).toBe(pieces.join(''));
    }
  });

  it('removes the partial file when an export fails midway', async () => {
    const path = join(dir, 'out.har');
    async function* failing(): AsyncGenerator<ExchangeRecord> {
      yield* manyRecords(30, 20_000);
      throw new Error('disk gone');
    }
    await expect(
      writeExportFile(path, (out) => writeExport('har', failing(), streamWriter(out))),
    ).rejects.toThrow('disk gone');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('SessionStore.records', () => {
  it('streams a session bigger than one read window, each record as a single read gives it', async () => {
    const store = await SessionStore.open(dir, () => {});
    try {
      // 300 × ~20 KB: several 4 MiB windows, records straddling their edges.
      const records = manyRecords(300, 20_000);
      for (const record of records) store.append(finishExchange(record));
      const streamed: ExchangeRecord[] = [];
      for await (const record of await store.records(null, null)) streamed.push(record);
      expect(streamed).toEqual(records);
      const chosen: string[] = [];
      for await (const record of await store.records(['r-299', 'nope', 'r-3'], null)) chosen.push(record.id);
      expect(chosen).toEqual(['r-299', 'r-3']);
      await expect(store.records(null, 'no-such-session')).rejects.toThrow('There is no session');
    } finally {
      await store.close();
    }
  });

  it('exports a streamed session to a file identical to the in-memory export', async () => {
    const store = await SessionStore.open(dir, () => {});
    try {
      const records = manyRecords(120, 20_000);
      for (const record of records) store.append(finishExchange(record));
      const path = join(dir, 'out.jsonl');
      const stored = await store.records(null, null);
      const count = await writeExportFile(path, (out) => writeExport('jsonl', stored, streamWriter(out)));
      expect(count).toBe(120);
      expect(await readFile(path, 'utf8')).toBe(recordsToJsonl(records));
    } finally {
      await store.close();
    }
  });
});

describe('streamWriter', () => {
  it('leaves no listener behind after waiting for drain, however many times it waits', async () => {
    const { Writable } = await import('node:stream');
    // A slow sink with a tiny buffer: every write fills it, so every piece waits for drain.
    const out = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, done) {
        setImmediate(done);
      },
    });
    const write = streamWriter(out);
    const before = { close: out.listenerCount('close'), error: out.listenerCount('error') };
    for (let i = 0; i < 50; i++) await write('x'.repeat(64));
    expect(out.listenerCount('close')).toBe(before.close);
    expect(out.listenerCount('error')).toBe(before.error);
    expect(out.listenerCount('drain')).toBe(0);
  });
});
