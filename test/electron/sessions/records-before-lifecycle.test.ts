import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harToRecords } from '../../../electron/sessions/har-import.ts';
import { loadIndex, readRecords } from '../../../electron/sessions/session-index.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { summarise } from '../../../shared/exchange/exchange-summary.ts';
import { validateExchangeRecord } from '../../../shared/exchange/validate-exchange-record.ts';
import { recordsToHar } from '../../../shared/export-formats/har-format.ts';
import { parseJsonl, recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { abortedStreamRecord, jsonRecord, unreachableRecord } from '../../support/sample-records.ts';
import { testTempDir } from '../../support/test-temp-dir.ts';

// Written by the Tokentap before the lifecycle union (see SOURCES.md there).
const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'before-lifecycle');
const oldJsonl = readFileSync(join(dir, 'session.jsonl'), 'utf8');
const oldIndex = readFileSync(join(dir, 'session.index.jsonl'), 'utf8');
const oldHar = JSON.parse(readFileSync(join(dir, 'export.har'), 'utf8')) as unknown;

/**
 * The same exchanges as today's code records them, less what thread analysis adds: the old files
 * predate it (their threads are rebuilt from the records when a session is opened).
 */
const today = (): ExchangeRecord[] =>
  [abortedStreamRecord(), unreachableRecord()].map(({ thread, delta, cache, context, ...rest }) => rest);

/** The first old line, edited as a JSON value (for the encodings older still). */
function oldLine(edit: (record: Record<string, unknown>) => void): string {
  const record = JSON.parse(oldJsonl.split('\n')[0] as string) as Record<string, unknown>;
  edit(record);
  return `${JSON.stringify(record)}\n`;
}

describe('records written before the lifecycle union', () => {
  it('really are in the old encoding: aborted three times, a failed upstream twice', () => {
    const [aborted, unreachable] = oldJsonl
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(aborted).toMatchObject({ state: 'aborted', error: { kind: 'client-aborted' } });
    expect(aborted.integrity).toContain('client-closed');
    expect(unreachable.integrity).toEqual(['upstream-failed']);
  });

  it('import from JSONL as the very records today’s code makes: aborted once, in the state', () => {
    const records = parseJsonl(oldJsonl);
    expect(records).toStrictEqual(today());
    expect(records[0]).toMatchObject({
      state: 'aborted',
      error: { message: 'the client closed the connection' },
    });
    expect(records[0]?.error).not.toHaveProperty('kind');
    expect(records.flatMap((r) => r.integrity)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/client-closed|upstream-failed/)]),
    );
  });

  it('import from a HAR exported then', () => {
    expect(harToRecords(oldHar)).toStrictEqual(today());
  });

  it('read back from a session file and its index, the summaries too', async () => {
    const at = await testTempDir('tokentap-old-session-');
    const data = join(at, 'old.jsonl');
    writeFileSync(data, oldJsonl);
    writeFileSync(join(at, 'old.index.jsonl'), oldIndex);
    const indexed = await loadIndex(data, join(at, 'old.index.jsonl'));
    // And with no index: the summaries made from the lines themselves.
    const scanned = await loadIndex(data, join(at, 'none.index.jsonl'));
    for (const { entries, warnings } of [indexed, scanned]) {
      expect(warnings).toEqual([]);
      expect(entries.map((e) => e.summary)).toStrictEqual(today().map(summarise));
      const records: ExchangeRecord[] = [];
      for await (const record of readRecords(data, entries)) records.push(record);
      expect(records).toStrictEqual(today());
    }
  });

  it('export losslessly once read: JSONL and HAR give back the same records', () => {
    const records = parseJsonl(oldJsonl);
    expect(parseJsonl(recordsToJsonl(records))).toStrictEqual(records);
    expect(
      harToRecords(JSON.parse(JSON.stringify(recordsToHar(records, { version: 'test' })))),
    ).toStrictEqual(records);
  });

  it('a WebSocket the client closed with an odd code, once `error` with `client-aborted`, is aborted', () => {
    const [record] = parseJsonl(oldLine((r) => (r.state = 'error')));
    expect(record).toMatchObject({
      state: 'aborted',
      error: { message: 'the client closed the connection' },
    });
  });

  it('an HTTP error answer from before upstream errors were failures is a failure, read from its body', () => {
    const answered = jsonRecord();
    const old = { ...answered, status: 429, state: 'complete', error: null };
    (old.response as { body: string }).body =
      '{"error":{"message":"Slow down","type":"rate_limit_error","code":null}}';
    const [record] = parseJsonl(`${JSON.stringify(old)}\n`);
    expect(record).toMatchObject({
      state: 'error',
      error: {
        kind: 'upstream-http-error',
        status: 429,
        type: 'rate_limit_error',
        code: null,
        message: 'Slow down',
      },
    });
  });

  it('a state and an error that disagree are refused, with the reason', () => {
    const refusal = (fields: Record<string, unknown>) => () =>
      parseJsonl(oldLine((r) => Object.assign(r, fields)));
    expect(refusal({ state: 'complete', error: { message: 'gone' } })).toThrow(
      'line 1: field `error` must be null for state `complete`',
    );
    expect(refusal({ error: null })).toThrow(
      'line 1: field `error` must say how an `aborted` exchange ended',
    );
    expect(refusal({ state: 'error', error: { message: 'no kind' } })).toThrow(
      'line 1: missing field `error.kind` (state `error`)',
    );
    expect(
      validateExchangeRecord({
        ...unreachableRecord(),
        error: { kind: 'upstream-http-error', message: 'x' },
      }),
    ).toBe('an `upstream-http-error` error needs its `status`, `type` and `code`');
  });
});
