/**
 * The model and stream flag of a large request are read without parsing the message blocks an
 * agent re-sent (only the rest, and blocks not seen before): the answer is the one parsing the
 * whole body gives, for valid bodies and for bodies that only look valid piece by piece.
 */
import { describe, expect, it } from 'vitest';
import { CapturePipeline } from '../../../electron/capture/capture-pipeline.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { readRequestMeta } from '../../../shared/interpreters/api-detect.ts';
import { requestStart } from '../../support/exchange-events.ts';

function captured(bodies: string[]): ExchangeRecord[] {
  const records: ExchangeRecord[] = [];
  const pipeline = new CapturePipeline({ onRecord: (record) => records.push(record) });
  bodies.forEach((body, i) => {
    const exchangeId = `x${i}`;
    pipeline.consume(requestStart(exchangeId));
    pipeline.consume({ type: 'request-body-part', exchangeId, t: 0.1, data: Buffer.from(body) });
    pipeline.consume({
      type: 'exchange-error',
      exchangeId,
      t: 1,
      kind: 'upstream-unreachable',
      message: 'x',
    });
  });
  return records;
}

const message = (i: number) => JSON.stringify({ role: 'user', content: `${i} ${'long text. '.repeat(60)}` });
const messages = Array.from({ length: 8 }, (_, i) => message(i)).join(',');

describe('model and stream of a body cut into blocks', () => {
  it('are what parsing the whole body says, block by block or not', () => {
    const bodies = [
      `{"model":"gpt-4o","messages":[${messages}],"stream":true}`,
      // The same blocks again (now known), fields after them, a duplicate key (the last counts).
      `{"messages":[${messages}],"model":"gpt-4o-mini","stream":false,"model":"gpt-4.1"}`,
      // Not JSON, though each block is and so is the rest with a number for each block.
      `{"model":"gpt-4o","messages":[${messages},${message(1)}.5,${message(2)}],"stream":true}`,
      `{"model":"gpt-4o","messages":[${messages},${message(1)}e5],"stream":true}`,
      // A block that is not JSON (a raw control character in a string).
      `{"model":"gpt-4o","messages":[${messages},${message(3).replace('long', 'lo\u0001ng')}],"stream":true}`,
      // Cut short (but not by the capture cap: the client sent this).
      `{"model":"gpt-4o","messages":[${messages}`,
    ];
    const records = captured(bodies);
    expect(records.map((r) => ({ model: r.model, stream: r.stream }))).toEqual(
      bodies.map((body) => {
        const { model, stream } = readRequestMeta('openai.chat', body);
        return { model, stream };
      }),
    );
    expect(records.map((r) => r.model)).toEqual(['gpt-4o', 'gpt-4.1', null, null, null, null]);
  });
});
