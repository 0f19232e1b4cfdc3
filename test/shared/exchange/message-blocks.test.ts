import { describe, expect, it } from 'vitest';
import {
  BLOCK_MIN_CHARS,
  joinPieces,
  splitBlocks,
  withBodyJoined,
} from '../../../shared/exchange/message-blocks.ts';
import { seededRandom } from '../../support/seeded-random.ts';

const long = (label: string) => `${label} ${'x'.repeat(BLOCK_MIN_CHARS)}`;

/** Joins split pieces back the way a reader does. */
function rejoin(text: string): string {
  const pieces = splitBlocks(text) ?? [{ text, block: false }];
  return joinPieces(
    pieces.map((p) => (p.block ? { b: p.text } : p.text)),
    (hash) => hash,
  );
}

describe('splitBlocks', () => {
  it('cuts a chat body into its messages and the text around them, exactly', () => {
    const body = JSON.stringify({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: long('sys "quoted" \\ back\\slash\n') },
        { role: 'user', content: 'short' },
        { role: 'user', content: long('é ünïcode 🙂') },
      ],
      tools: [{ type: 'function', function: { name: 'read', description: long('tool [with] {brackets}') } }],
      stream: true,
    }).padEnd(4096, ' ');
    const pieces = splitBlocks(body);
    expect(pieces?.filter((p) => p.block).map((p) => JSON.parse(p.text))).toEqual([
      { role: 'system', content: long('sys "quoted" \\ back\\slash\n') },
      { role: 'user', content: long('é ünïcode 🙂') },
      { type: 'function', function: { name: 'read', description: long('tool [with] {brackets}') } },
    ]);
    expect(pieces?.map((p) => p.text).join('')).toBe(body);
  });

  it('leaves short bodies, bodies that are not JSON objects and cut bodies whole or partly split, never changed', () => {
    expect(splitBlocks('{"messages":[]}')).toBeNull();
    expect(splitBlocks(`[${JSON.stringify(long('a'))}]`.padEnd(5000))).toBeNull();
    expect(splitBlocks('not json '.repeat(1000))).toBeNull();
    const whole = JSON.stringify({ messages: Array.from({ length: 20 }, (_, i) => long(`m${i}`)) });
    for (const cut of [whole.length - 1, whole.length - 300, 5000]) {
      const text = whole.slice(0, cut);
      expect(rejoin(text)).toBe(text);
    }
  });

  it('gives back exactly what it was given, for any mix of JSON (seeded)', () => {
    const random = seededRandom(17);
    const chars = ['a', '"', '\\', '[', ']', '{', '}', ',', ' ', '\n', 'é', '\u2028'];
    const str = (n: number) => Array.from({ length: n }, () => random.pick(chars)).join('');
    const value = (depth: number): unknown => {
      const kind = random.int(depth > 2 ? 3 : 5);
      if (kind === 0) return str(random.int(400));
      if (kind === 1) return random.int(1000) - 500;
      if (kind === 2) return random.pick([true, false, null]);
      if (kind === 3) return Array.from({ length: random.int(4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: random.int(4) }, (_, i) => [`k${i}`, value(depth + 1)]));
    };
    for (let round = 0; round < 300; round++) {
      const body = {
        model: str(5),
        messages: Array.from({ length: random.int(30) }, () => value(0)),
        ...(random.int(2) ? { input: Array.from({ length: random.int(10) }, () => value(0)) } : {}),
      };
      const text = random.int(2) ? JSON.stringify(body) : JSON.stringify(body, null, random.int(3));
      expect(rejoin(text), `seed 17, round ${round}`).toBe(text);
      for (const piece of splitBlocks(text) ?? [])
        if (piece.block) expect(() => JSON.parse(piece.text)).not.toThrow();
    }
  });
});

describe('withBodyJoined', () => {
  it('puts the body back where bodyBlocks was, keeping the fields in order; a missing block is an error', () => {
    const record = {
      id: 'a',
      request: { headers: {}, bodyBlocks: ['{"m":[', { b: 'h1' }, ']}'], bodyBytes: 9 },
    };
    const joined = withBodyJoined(structuredClone(record), (hash) => (hash === 'h1' ? '"hi"' : undefined));
    expect(Object.keys(joined.request)).toEqual(['headers', 'body', 'bodyBytes']);
    expect((joined.request as unknown as { body: string }).body).toBe('{"m":["hi"]}');
    expect(() => withBodyJoined(structuredClone(record), () => undefined)).toThrow(
      /message block h1 is missing/,
    );
  });
});
