import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../shared/interpreters/llm-response.ts';
import { createWireDecoder } from '../../../shared/wire/create-wire-decoder.ts';
import { createJsonArrayDecoder } from '../../../shared/wire/json-array-decoder.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { countCopiedChars } from '../copied-chars.ts';
import { decodeChunks, fixtureBytes, fixtureNames, fixtureText } from '../fixtures.ts';

const utf8 = new TextEncoder();

function decodeBytes(bytes: Uint8Array, cuts: readonly number[]): WireEvent[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  return decodeChunks(createJsonArrayDecoder(), chunks);
}

function decodeText(...pieces: string[]): string[] {
  return decodeChunks(
    createJsonArrayDecoder(),
    pieces.map((piece) => utf8.encode(piece)),
  ).map((event) => event.data);
}

/** The events' data in one string, a cheap comparison key (every event is named null). */
function datas(events: readonly WireEvent[]): string {
  return events.map((event) => `${event.event}\u0000${event.data}`).join('\u0001');
}

describe('createJsonArrayDecoder on the Gemini bodies', () => {
  // The JSON-array streams, and whole JSON bodies (a response, an error) that are one value.
  const names = [...fixtureNames('.json').filter((name) => name.startsWith('gemini-'))];

  it('has fixtures to test', () => {
    expect(names.filter((name) => name.includes('-array-')).length).toBeGreaterThanOrEqual(3);
  });

  for (const name of names) {
    describe(name, () => {
      const bytes = fixtureBytes(name);
      const whole = decodeBytes(bytes, []);
      const parsed: unknown = JSON.parse(fixtureText(name));

      it('gives each element of the array (or the one value), as its exact text', () => {
        const values = Array.isArray(parsed) ? parsed : [parsed];
        expect(whole.map((event) => JSON.parse(event.data) as unknown)).toEqual(values);
        for (const event of whole) {
          expect(event.event).toBeNull();
          expect(fixtureText(name)).toContain(event.data);
        }
      });

      it('gives the same events however the bytes are split in two', () => {
        const expected = datas(whole);
        for (let cut = 1; cut < bytes.length; cut++) {
          const split = decodeBytes(bytes, [cut]);
          if (datas(split) !== expected || split.length !== whole.length)
            expect(split, `split at ${cut}`).toEqual(whole);
        }
      });

      it('gives the same events byte by byte and for random splits', () => {
        const ones = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
        expect(decodeBytes(bytes, ones)).toEqual(whole);
        const random = seededRandom(bytes.length).next;
        for (let round = 0; round < 100; round++) {
          const cuts = new Set<number>();
          const count = 1 + Math.floor(random() * 50);
          for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(random() * (bytes.length - 1)));
          const sorted = [...cuts].sort((a, b) => a - b);
          const split = decodeBytes(bytes, sorted);
          if (datas(split) !== datas(whole) || split.length !== whole.length)
            expect(split, `cuts ${sorted.join(',')}`).toEqual(whole);
        }
      });
    });
  }
});

describe('createJsonArrayDecoder', () => {
  it('reads Gemini framing: elements separated by a line holding only a comma, CRLF or not', () => {
    expect(decodeText('[{"a": 1}\n,\r\n{"b": [2, {"c": 3}]}\n,\n{"d": 4}\n]')).toEqual([
      '{"a": 1}',
      '{"b": [2, {"c": 3}]}',
      '{"d": 4}',
    ]);
  });

  it('is not fooled by brackets, braces, commas and escaped quotes inside strings', () => {
    const tricky = '{"text": "a ] } , [ { \\" \\\\", "x": "\\\\"}';
    expect(decodeText(`[${tricky},${tricky}]`)).toEqual([tricky, tricky]);
    // The same with the escape's backslash and the quote in different chunks.
    expect(decodeText('[{"t": "a\\', '"]"', '}]')).toEqual(['{"t": "a\\"]"}']);
  });

  it('gives each event as soon as its element closes, before the array does', () => {
    const decoder = createJsonArrayDecoder();
    expect(decoder.push(utf8.encode('[{"a": 1}\n,'))).toEqual([{ event: null, data: '{"a": 1}' }]);
    expect(decoder.push(utf8.encode('\r\n{"b"'))).toEqual([]);
    expect(decoder.push(utf8.encode(': 2}'))).toEqual([{ event: null, data: '{"b": 2}' }]);
    expect(decoder.push(utf8.encode('\n]'))).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it('reads a body that is not an array (an error object) as one event', () => {
    expect(decodeText('{"error": {"code": 400}}\n')).toEqual(['{"error": {"code": 400}}']);
  });

  it('reads scalar elements, nested arrays, an empty array and whitespace', () => {
    expect(decodeText(' \r\n[ 1 , -2.5e3 ,"s,]" , true,null,[[]], [] ] ')).toEqual([
      '1',
      '-2.5e3',
      '"s,]"',
      'true',
      'null',
      '[[]]',
      '[]',
    ]);
    expect(decodeText('[]')).toEqual([]);
    expect(decodeText('')).toEqual([]);
    expect(decodeText('42')).toEqual(['42']);
  });

  it('keeps a character split across chunks and strips a BOM', () => {
    const bytes = utf8.encode('\uFEFF[{"t": "°C 😀"}]');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(decodeBytes(bytes, [cut]), `split at ${cut}`).toEqual([{ event: null, data: '{"t": "°C 😀"}' }]);
    }
  });

  it('drops an element cut off by the end of the body, and starts clean after end()', () => {
    const decoder = createJsonArrayDecoder();
    expect(decoder.push(utf8.encode('[{"a": 1},{"b": "unterminated'))).toHaveLength(1);
    expect(decoder.end()).toEqual([]);
    expect(decoder.push(utf8.encode('[{"c": 3}]'))).toEqual([{ event: null, data: '{"c": 3}' }]);
  });

  it('never loops on stray closing brackets, braces or commas', () => {
    expect(decodeText('}]},,{"a": 1}]]')).toEqual(['{"a": 1}']);
  });

  it('copies a long element a bounded number of times, however many chunks it arrives in', () => {
    // 1 MiB in 1 KiB chunks: rebuilding the pending element per chunk would copy ~512 MiB.
    const length = 1024 * 1024;
    const piece = utf8.encode('x'.repeat(1024));
    const pieces = [utf8.encode('[{"text": "')];
    for (let sent = 0; sent < length; sent += 1024) pieces.push(piece);
    pieces.push(utf8.encode('"}\n]'));
    let events: WireEvent[] = [];
    const copied = countCopiedChars(() => {
      events = decodeChunks(createJsonArrayDecoder(), pieces);
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(length + 12);
    expect(copied, 'characters copied while decoding a 1 MiB element').toBeLessThan(4 * length);
  });
});

describe('createWireDecoder for Gemini', () => {
  it('picks the JSON-array decoder for Gemini JSON and SSE for its event streams', () => {
    const body = utf8.encode('data: {"a": 1}\r\n\r\n');
    const array = utf8.encode('[{"a": 1}]');
    expect(createWireDecoder('gemini.generate', 'application/json; charset=UTF-8').push(array)).toEqual([
      { event: null, data: '{"a": 1}' },
    ]);
    expect(createWireDecoder('gemini.generate', 'text/event-stream').push(body)).toEqual([
      { event: null, data: '{"a": 1}' },
    ]);
    expect(createWireDecoder('openai.chat', 'application/json').push(array)).toEqual([]);
  });
});
