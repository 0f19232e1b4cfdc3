/**
 * The analysis cuts a request body into message blocks once, and the record's storage re-uses that
 * cut: what is stored is what cutting the record's own body gives, and a body the key was scrubbed
 * out of (so not the text the analysis cut) is cut again, never stored from the unscrubbed cut.
 */
import { describe, expect, it } from 'vitest';
import { CapturePipeline } from '../../../electron/capture/capture-pipeline.ts';
import { finishExchange } from '../../../electron/capture/finished-exchange.ts';
import type { BodyBlocks } from '../../../electron/capture/recent-blocks.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { jsonExchange, requestStart } from '../../support/exchange-events.ts';
import { smallChatCompletion } from '../../support/synthetic-llm.ts';

const KEY = 'sk-proj-shared0cut0test0000000000000000000000';

/** An agent's body: long messages (blocks), one of them quoting `quoted`. */
function agentBody(quoted: string): Buffer {
  const long = (label: string) => `${label}: ${'the file an agent re-sends every turn. '.repeat(60)}`;
  return Buffer.from(
    JSON.stringify({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: long('system') },
        { role: 'user', content: `${long('tool output')} ${quoted}` },
        { role: 'assistant', content: long('answer') },
        { role: 'user', content: 'go on' },
      ],
    }),
  );
}

function capture(body: Buffer): { record: ExchangeRecord; cut: BodyBlocks | null | undefined } {
  let out: { record: ExchangeRecord; cut: BodyBlocks | null | undefined } | null = null;
  const pipeline = new CapturePipeline({ onRecord: (record, cut) => (out = { record, cut }) });
  const start = requestStart('x1', {
    headers: { 'content-type': 'application/json', authorization: '[redacted]' },
    secrets: [{ name: 'authorization', value: `Bearer ${KEY}` }],
  });
  for (const event of jsonExchange(start, body, smallChatCompletion)) pipeline.consume(event);
  if (out === null) throw new Error('no record');
  return out;
}

describe("a request body's blocks", () => {
  it("are stored from the analysis's cut when it is of the record's body, as cutting again stores them", () => {
    const { record, cut } = capture(agentBody('no key here'));
    expect(cut?.text).toBe(record.request.body);
    expect(cut?.recents.length).toBe(3);
    const reused = finishExchange(record, null, { requestBlocks: cut });
    const again = finishExchange(record);
    expect(reused.line).toEqual(again.line);
    expect(reused.blocks).toEqual(again.blocks);
    expect(reused.signature).toEqual(again.signature);
  });

  it('are cut again from the scrubbed body when the key was in it: no block carries the key', () => {
    const { record, cut } = capture(agentBody(`my key is ${KEY}`));
    expect(cut?.text).toContain(KEY);
    expect(record.request.body).not.toContain(KEY);
    const finished = finishExchange(record, null, { requestBlocks: cut });
    const stored = `${String(finished.line)}${JSON.stringify(finished.blocks)}`;
    expect(stored).not.toContain(KEY);
    expect(finished.blocks).toEqual(finishExchange(record).blocks);
    expect(JSON.stringify(finished.blocks)).toContain('[redacted]');
  });
});
