import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../renderer/filter/query-match.ts';
import { computeView } from '../../renderer/store/view.ts';
import type { ExchangeFacts, ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { sampleRecords, summaryOf } from './support/records.ts';

const chat = summaryOf(sampleRecords()[0] as never);

function summary(seq: number, patch: Partial<ExchangeFacts> = {}): ExchangeSummary {
  return { ...chat, id: `ex-${seq}`, seq, ...patch };
}

describe('computeView', () => {
  it('lists matching rows in arrival order even when the map holds them out of order', () => {
    const rows = [summary(1), summary(3), summary(2, { model: 'other' }), summary(5), summary(4)];
    const byId = new Map(rows.map((s) => [s.id, s]));
    const order = [...rows].sort((a, b) => a.seq - b.seq).map((s) => s.id);
    const time = { key: 'time', dir: 'asc' } as const;
    expect(computeView(byId, order, compileQuery(''), time)).toEqual([
      'ex-1',
      'ex-2',
      'ex-3',
      'ex-4',
      'ex-5',
    ]);
    expect(computeView(byId, order, compileQuery('-model:other'), time)).toEqual([
      'ex-1',
      'ex-3',
      'ex-4',
      'ex-5',
    ]);
    expect(computeView(byId, order, compileQuery(''), { key: 'time', dir: 'desc' })).toEqual([
      'ex-5',
      'ex-4',
      'ex-3',
      'ex-2',
      'ex-1',
    ]);
    // Ties in the sorted column keep arrival order.
    expect(computeView(byId, order, compileQuery(''), { key: 'model', dir: 'asc' })).toEqual([
      'ex-1',
      'ex-3',
      'ex-4',
      'ex-5',
      'ex-2',
    ]);
  });

  it('follows the order list when the map holds rows it does not', () => {
    const rows = [summary(1), summary(2), summary(3)];
    const byId = new Map(rows.map((s) => [s.id, s]));
    expect(computeView(byId, ['ex-1', 'ex-3'], compileQuery(''), { key: 'time', dir: 'asc' })).toEqual([
      'ex-1',
      'ex-3',
    ]);
  });

  it('matches free text and field values the same, remembered or not, across many rows', () => {
    const models = ['GPT-4o', 'gpt-4o-mini', null];
    const rows = Array.from({ length: 300 }, (_, i) => summary(i + 1, { model: models[i % 3] ?? null }));
    const byId = new Map(rows.map((s) => [s.id, s]));
    const order = rows.map((s) => s.id);
    const time = { key: 'time', dir: 'asc' } as const;
    expect(computeView(byId, order, compileQuery('model:gpt-4o'), time)).toHaveLength(100);
    expect(computeView(byId, order, compileQuery('mini'), time)).toHaveLength(100);
    expect(computeView(byId, order, compileQuery('gpt-4O'), time)).toHaveLength(200);
    expect(computeView(byId, order, compileQuery('-has:model'), time)).toHaveLength(100);
  });
});
