/**
 * A request body parsed with its re-sent message blocks' values re-used gives what JSON.parse gives,
 * for agent bodies and for bodies made to confuse the cut (keys given twice, blocks that are not
 * JSON, strings that look like the stand-in for a block), and re-sent blocks are not parsed again.
 */
import { describe, expect, it } from 'vitest';
import { parseReusingBlocks } from '../../../electron/capture/block-json.ts';

const long = (label: string) => `${label}: ${'the tool output an agent re-sends every turn. '.repeat(12)}`;

function agentBody(turns: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    model: 'gpt-4o',
    stream: true,
    messages: [
      { role: 'system', content: long('system') },
      ...Array.from({ length: turns }, (_, i) => ({
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: i % 3 === 0 ? [{ type: 'text', text: long(`turn ${i}`) }] : long(`turn ${i}`),
      })),
      { role: 'user', content: 'short' },
    ],
    tools: [{ type: 'function', function: { name: 'read', description: long('tool'), parameters: {} } }],
    ...extra,
  });
}

describe('parsing a request body with re-sent blocks', () => {
  it('gives what JSON.parse gives, turn after turn of a growing conversation', () => {
    for (let turns = 4; turns < 40; turns += 5) {
      const body = agentBody(turns);
      expect(parseReusingBlocks(body), `${turns} turns`).toStrictEqual(JSON.parse(body));
    }
  });

  it('shares the values of blocks it has seen', () => {
    const first = parseReusingBlocks(agentBody(10)) as { messages: unknown[] };
    const second = parseReusingBlocks(agentBody(12)) as { messages: unknown[] };
    expect(second.messages[3]).toBe(first.messages[3]);
    expect(second.messages[3]).toStrictEqual(JSON.parse(agentBody(12)).messages[3]);
  });

  it('gives what JSON.parse gives for bodies made to confuse the cut', () => {
    const block = JSON.stringify({ role: 'user', content: long('block') });
    const bodies = [
      // A key given twice: JSON.parse keeps the last array.
      `{"pad":"${'p'.repeat(4096)}","messages":[${block},${block}],"model":"m","messages":[${block.replace('block', 'other')}, "x"]}`,
      // Strings that look like a stand-in for a block.
      `{"messages":["\\u0000not-the-nonce:0",${block},"\\u0000"],"pad":"${'p'.repeat(4096)}"}`,
      // A block that is not one JSON value: the body is not JSON.
      `{"messages":[${block.slice(0, -1)}],"pad":"${'p'.repeat(4096)}"}`,
      // Not JSON after the blocks.
      `{"messages":[${block},${block}] trailing ${'t'.repeat(4096)}`,
      // Nested arrays and numbers around the blocks.
      `{"a":[[1,2,[3]],${block},-0.5e3,true,null,${block}],"b":{"c":[${block}]},"pad":"${'p'.repeat(4096)}"}`,
    ];
    for (const body of bodies) {
      // Long enough to be cut into blocks (shorter bodies are parsed whole).
      expect(body.length).toBeGreaterThan(4096);
      let expected: unknown;
      try {
        expected = JSON.parse(body);
      } catch {
        expected = undefined;
      }
      expect(parseReusingBlocks(body), body.slice(0, 60)).toStrictEqual(expected);
    }
  });
});
