import { describe, expect, it } from 'vitest';
import { createWireDecoder } from '../../../shared/wire/create-wire-decoder.ts';
import { createNdjsonDecoder } from '../../../shared/wire/ndjson-decoder.ts';
import { countCopiedChars, longLinePieces } from '../copied-chars.ts';
import { decodeChunks, fixtureBytes, fixtureNames, fixtureText } from '../fixtures.ts';

const utf8 = new TextEncoder();

function decodeText(...pieces: string[]) {
  return decodeChunks(
    createNdjsonDecoder(),
    pieces.map((piece) => utf8.encode(piece)),
  );
}

describe('createNdjsonDecoder on the fixtures', () => {
  for (const name of fixtureNames('.ndjson')) {
    it(`${name}: one event per line, the same at every split`, () => {
      const bytes = fixtureBytes(name);
      const whole = decodeChunks(createNdjsonDecoder(), [bytes]);
      const lines = fixtureText(name)
        .split('\n')
        .filter((line) => line !== '');
      expect(whole).toEqual(lines.map((data) => ({ event: null, data })));
      for (let cut = 1; cut < bytes.length; cut++) {
        const split = decodeChunks(createNdjsonDecoder(), [bytes.subarray(0, cut), bytes.subarray(cut)]);
        if (JSON.stringify(split) !== JSON.stringify(whole)) expect(split, `split at ${cut}`).toEqual(whole);
      }
      const ones = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
      expect(decodeChunks(createNdjsonDecoder(), ones)).toEqual(whole);
    });
  }
});

describe('createNdjsonDecoder', () => {
  it('skips blank lines and strips CR', () => {
    expect(decodeText('{"a":1}\r\n\n  \n{"b":2}\n')).toEqual([
      { event: null, data: '{"a":1}' },
      { event: null, data: '{"b":2}' },
    ]);
  });

  it('keeps a last line that has no newline', () => {
    const decoder = createNdjsonDecoder();
    expect(decoder.push(utf8.encode('{"a":1}\n{"b"'))).toEqual([{ event: null, data: '{"a":1}' }]);
    expect(decoder.push(utf8.encode(':2}'))).toEqual([]);
    expect(decoder.end()).toEqual([{ event: null, data: '{"b":2}' }]);
  });

  it('passes malformed lines through for the interpreter to ignore', () => {
    expect(decodeText('not json\n')).toEqual([{ event: null, data: 'not json' }]);
  });
});

describe('createWireDecoder', () => {
  it('picks NDJSON by content type or for Ollama native, SSE otherwise', () => {
    const ndjsonLine = utf8.encode('{"done":true}\n');
    const pick = (api: Parameters<typeof createWireDecoder>[0], type: string | null) =>
      createWireDecoder(api, type).push(ndjsonLine).length === 1 ? 'ndjson' : 'sse';
    expect(pick('ollama.chat', 'application/x-ndjson')).toBe('ndjson');
    expect(pick('ollama.chat', null)).toBe('ndjson');
    expect(pick('openai.chat', 'application/x-ndjson; charset=utf-8')).toBe('ndjson');
    expect(pick('openai.chat', 'text/event-stream; charset=utf-8')).toBe('sse');
    expect(pick('ollama.chat', 'text/event-stream')).toBe('sse');
    expect(pick('anthropic.messages', null)).toBe('sse');
  });
});

describe('createNdjsonDecoder on one long line', () => {
  it('copies the line a bounded number of times, however many chunks it arrives in', () => {
    const length = 1024 * 1024;
    const pieces = longLinePieces('{"a":"', length, 1024, '"}\n');
    let events: ReturnType<typeof decodeText> = [];
    const copied = countCopiedChars(() => {
      events = decodeChunks(createNdjsonDecoder(), pieces);
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(length + 8);
    expect(copied, 'characters copied while decoding a 1 MiB line').toBeLessThan(8 * length);
  });

  it('gives the same events for a long line however it is split, with or without a last newline', () => {
    const utf8Text = `${'{"k":"é€😀"}\r\n'.repeat(50)}{"long":"${'y'.repeat(5000)}"}\n\n{"last":1}`;
    const bytes = utf8.encode(utf8Text);
    const whole = decodeChunks(createNdjsonDecoder(), [bytes]);
    expect(whole).toHaveLength(52);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const split = decodeChunks(createNdjsonDecoder(), [bytes.subarray(0, cut), bytes.subarray(cut)]);
      if (JSON.stringify(split) !== JSON.stringify(whole)) expect(split, `split at ${cut}`).toEqual(whole);
    }
  });
});
