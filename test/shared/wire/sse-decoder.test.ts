import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../shared/interpreters/llm-response.ts';
import { createSseDecoder } from '../../../shared/wire/sse-decoder.ts';
import { seededRandom } from '../../support/seeded-random.ts';
import { countCopiedChars, longLinePieces } from '../copied-chars.ts';
import { decodeChunks, fixtureBytes, fixtureNames, fixtureText } from '../fixtures.ts';

const utf8 = new TextEncoder();

function decodeText(...pieces: string[]): WireEvent[] {
  return decodeChunks(
    createSseDecoder(),
    pieces.map((piece) => utf8.encode(piece)),
  );
}

function decodeBytes(bytes: Uint8Array, cuts: number[]): WireEvent[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  return decodeChunks(createSseDecoder(), chunks);
}

describe('createSseDecoder on the recorded fixtures', () => {
  const names = fixtureNames('.sse');

  it('has fixtures to test', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of names) {
    describe(name, () => {
      const bytes = fixtureBytes(name);
      const whole = decodeBytes(bytes, []);

      it('decodes one event per data line, each JSON or [DONE]', () => {
        // Every fixture has single-line data, so counting `data:` lines is an independent oracle.
        const dataLines = fixtureText(name).match(/^data:/gm) ?? [];
        expect(whole).toHaveLength(dataLines.length);
        for (const event of whole) {
          if (event.data !== '[DONE]') expect(() => JSON.parse(event.data)).not.toThrow();
        }
      });

      it('gives the same events however the bytes are split in two', () => {
        for (let cut = 1; cut < bytes.length; cut++) {
          const split = decodeBytes(bytes, [cut]);
          if (JSON.stringify(split) !== JSON.stringify(whole)) {
            expect(split, `split at byte ${cut}`).toEqual(whole);
          }
        }
      });

      it('gives the same events from 1-byte chunks', () => {
        const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
        expect(decodeBytes(bytes, cuts)).toEqual(whole);
      });

      it('gives the same events from random multi-way splits', () => {
        const random = seededRandom(bytes.length).next;
        for (let round = 0; round < 50; round++) {
          const cuts = new Set<number>();
          const count = 1 + Math.floor(random() * 20);
          for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(random() * (bytes.length - 1)));
          const sorted = [...cuts].sort((a, b) => a - b);
          expect(decodeBytes(bytes, sorted), `cuts ${sorted.join(',')}`).toEqual(whole);
        }
      });
    });
  }

  it('reads event names and the [DONE] sentinel', () => {
    const anthropic = decodeBytes(fixtureBytes('anthropic-messages-stream-minimal.sse'), []);
    expect(anthropic.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    // Anthropic pads its JSON with spaces before the closing brace; the decoder keeps data as sent.
    expect(anthropic[6]).toEqual({ event: 'message_stop', data: '{"type":"message_stop"    }' });
    const chat = decodeBytes(fixtureBytes('openai-chat-stream-usage.sse'), []);
    expect(chat.at(-1)).toEqual({ event: null, data: '[DONE]' });
    expect(chat.every((e) => e.event === null)).toBe(true);
  });

  it('splits multi-byte characters correctly in the CRLF fixture', () => {
    const events = decodeBytes(fixtureBytes('deepseek-chat-stream-reasoning.crlf.sse'), []);
    const contents = events
      .filter((e) => e.data !== '[DONE]')
      .map(
        (e) =>
          (JSON.parse(e.data) as { choices: { delta: { content?: string | null } }[] }).choices[0]?.delta
            .content,
      )
      .filter((c) => typeof c === 'string')
      .join('');
    expect(contents).toBe('你好！很高兴见到你 👋');
  });
});

describe('createSseDecoder line handling', () => {
  const expected = [
    { event: null, data: 'a' },
    { event: 'e', data: 'b' },
  ];

  it('accepts LF, CRLF and lone CR line endings', () => {
    expect(decodeText('data: a\n\nevent: e\ndata: b\n\n')).toEqual(expected);
    expect(decodeText('data: a\r\n\r\nevent: e\r\ndata: b\r\n\r\n')).toEqual(expected);
    expect(decodeText('data: a\r\revent: e\rdata: b\r\r')).toEqual(expected);
    expect(decodeText('data: a\r\n\nevent: e\rdata: b\n\r\n')).toEqual(expected);
  });

  it('treats a CR at the end of a chunk and an LF at the start of the next as one line break', () => {
    expect(decodeText('data: a\r', '\n\r', '\nevent: e\r', '\ndata: b\r\n\r', '\n')).toEqual(expected);
    // Had the LF counted as a second break, the blank line would dispatch `a` early and split `b`'s fields.
    expect(decodeText('data: x\r', '\ndata: y\r\n\r\n')).toEqual([{ event: null, data: 'x\ny' }]);
  });

  it('keeps the CR state across a chunk that only holds part of a character', () => {
    const bytes = utf8.encode('data: a\r\n\r\ndata: é\r\n\r\n');
    // "é" is two bytes; cut after the CR, then inside the character.
    const cr = bytes.indexOf(0x0d);
    expect(decodeBytes(bytes, [cr + 1, cr + 2])).toEqual([
      { event: null, data: 'a' },
      { event: null, data: 'é' },
    ]);
    const e = bytes.indexOf(0xc3);
    expect(decodeBytes(bytes, [e + 1])).toEqual([
      { event: null, data: 'a' },
      { event: null, data: 'é' },
    ]);
  });

  it('skips comments and unknown fields, and ignores id and retry', () => {
    expect(decodeText(': keep-alive\n\nid: 7\nretry: 1000\nfoo: bar\ndata: a\n\n:\n\n')).toEqual([
      { event: null, data: 'a' },
    ]);
  });

  it('joins multi-line data with LF', () => {
    expect(decodeText('data: line one\ndata:line two\ndata\ndata: \n\n')).toEqual([
      { event: null, data: 'line one\nline two\n\n' },
    ]);
  });

  it('strips exactly one space after the colon, and none when absent', () => {
    expect(decodeText('data:  two spaces\n\ndata:none\n\n')).toEqual([
      { event: null, data: ' two spaces' },
      { event: null, data: 'none' },
    ]);
  });

  it('does not dispatch an event without data, and resets its name', () => {
    expect(decodeText('event: lonely\n\ndata: a\n\n')).toEqual([{ event: null, data: 'a' }]);
  });

  it('dispatches an empty data field as an empty string', () => {
    expect(decodeText('data:\n\n')).toEqual([{ event: null, data: '' }]);
  });

  it('strips a leading byte order mark, split or not', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
    const body = utf8.encode('data: a\n\n');
    const bytes = new Uint8Array([...bom, ...body]);
    expect(decodeBytes(bytes, [])).toEqual([{ event: null, data: 'a' }]);
    expect(decodeBytes(bytes, [1, 2, 3])).toEqual([{ event: null, data: 'a' }]);
    // Only a leading BOM is special; later U+FEFF is data.
    expect(decodeText('data: \uFEFFa\n\n')).toEqual([{ event: null, data: '\uFEFFa' }]);
  });

  it('discards an unfinished event at the end, as the spec says', () => {
    expect(decodeText('data: a\n\ndata: b\n')).toEqual([{ event: null, data: 'a' }]);
    expect(decodeText('data: a\n\ndata: b')).toEqual([{ event: null, data: 'a' }]);
  });

  it('returns events as soon as their blank line arrives', () => {
    const decoder = createSseDecoder();
    expect(decoder.push(utf8.encode('data: a\n'))).toEqual([]);
    expect(decoder.push(utf8.encode('\ndata: b'))).toEqual([{ event: null, data: 'a' }]);
    expect(decoder.push(utf8.encode('\n\n'))).toEqual([{ event: null, data: 'b' }]);
    expect(decoder.end()).toEqual([]);
  });

  it('replaces invalid UTF-8 instead of throwing', () => {
    const bytes = new Uint8Array([...utf8.encode('data: '), 0xff, ...utf8.encode('\n\n')]);
    expect(decodeBytes(bytes, [])).toEqual([{ event: null, data: '\uFFFD' }]);
  });

  it('flushes a character cut off at the very end as a replacement, not a crash', () => {
    const bytes = new Uint8Array([...utf8.encode('data: a\n\n'), 0xc3]);
    expect(decodeBytes(bytes, [])).toEqual([{ event: null, data: 'a' }]);
  });
});

describe('createSseDecoder on one long line', () => {
  it('copies the line a bounded number of times, however many chunks it arrives in', () => {
    // 1 MiB in 1 KiB chunks: each step (chunk slices, the join, field and data slices) copies it once,
    // about 5 MiB in all; rebuilding the pending line per chunk would copy ~512 MiB.
    const length = 1024 * 1024;
    const pieces = longLinePieces('data: ', length, 1024, '\n\n');
    let events: WireEvent[] = [];
    const copied = countCopiedChars(() => {
      events = decodeChunks(createSseDecoder(), pieces);
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(length);
    expect(copied, 'characters copied while decoding a 1 MiB line').toBeLessThan(8 * length);
  });

  it('gives the same events for a generated stream with long lines and mixed line breaks, however it is split', () => {
    const breaks = ['\n', '\r\n', '\r'];
    const random = seededRandom(7).next;
    let text = '';
    for (let i = 0; i < 40; i++) {
      const br = breaks[i % 3] as string;
      const data = 'é€😀x'.repeat(1 + Math.floor(random() * 300));
      text += `event: e${i}${br}data: ${data}${br}data:${i}${br}${br}`;
    }
    const bytes = utf8.encode(text);
    const whole = decodeBytes(bytes, []);
    expect(whole).toHaveLength(40);
    for (let round = 0; round < 200; round++) {
      const cuts = new Set<number>();
      const count = 1 + Math.floor(random() * 200);
      for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(random() * (bytes.length - 1)));
      const sorted = [...cuts].sort((a, b) => a - b);
      const split = decodeBytes(bytes, sorted);
      if (JSON.stringify(split) !== JSON.stringify(whole))
        expect(split, `cuts ${sorted.join(',')}`).toEqual(whole);
    }
  });
});
