import { describe, expect, it } from 'vitest';
import { BlockTextStore } from '../../../shared/threads/block-text-store.ts';
import { CHARS_PER_TOKEN, contextBreakdown } from '../../../shared/threads/context-breakdown.ts';
import { normaliseRequest } from '../../../shared/threads/normalise-request.ts';

describe('context breakdown', () => {
  it('previews only the largest items it shows, not every block the history re-sends', () => {
    const body = {
      model: 'gpt-4.1',
      messages: Array.from({ length: 40 }, (_, i) => ({
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: `Turn ${i}: ${'the tool output an agent re-sends every turn. '.repeat(10 + i)}`,
      })),
    };
    const request = normaliseRequest('openai.chat', body, {}, 'gpt-4.1');
    if (request === null) throw new Error('not a conversation');
    // Each block's text counts its reads.
    const reads = new Map<string, number>();
    for (const m of request.messages)
      for (const block of m.blocks) {
        const text = block.text;
        Object.defineProperty(block, 'text', {
          get: () => {
            reads.set(block.path, (reads.get(block.path) ?? 0) + 1);
            return text;
          },
        });
      }
    const context = contextBreakdown(request, 12_000, CHARS_PER_TOKEN, new BlockTextStore());
    expect(context.largest.map((item) => item.at)).toEqual([
      'messages[39].content',
      'messages[38].content',
      'messages[37].content',
      'messages[36].content',
      'messages[35].content',
    ]);
    expect(context.largest[0]?.preview).toMatch(/^Turn 39: the tool output .*…$/);
    // A block not shown is read for its estimate only: fewer times than one that is also previewed.
    const shownReads = Math.min(...context.largest.map((item) => reads.get(item.at) ?? 0));
    const shown = new Set(context.largest.map((item) => item.at));
    for (const [path, count] of reads) if (!shown.has(path)) expect(count, path).toBeLessThan(shownReads);
  });
});
