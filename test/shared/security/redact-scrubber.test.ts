import { describe, expect, it } from 'vitest';
import { SecretScrubber } from '../../../shared/security/redact-scrubber.ts';

const KEY = 'sk-proj-scrubTEST/key+0123456789';

describe('SecretScrubber', () => {
  const scrubber = new SecretScrubber([KEY]);

  it('removes a secret as it is, JSON-escaped and percent-encoded', () => {
    expect(scrubber.text(`a ${KEY} b`)).toBe('a [redacted] b');
    expect(scrubber.text(JSON.stringify({ k: KEY }).replaceAll('/', '\\/'))).toBe('{"k":"[redacted]"}');
    expect(scrubber.text(`?key=${encodeURIComponent(KEY)}`)).toBe('?key=[redacted]');
    const lowerHex = encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
    expect(scrubber.text(`?key=${lowerHex}`)).toBe('?key=[redacted]');
  });

  it('scrubs every string of a record, a secret split across chunks included', () => {
    const at = 20;
    const record = {
      path: `/v1/${KEY}`,
      n: 3,
      headers: { 'x-echo': [KEY] },
      chunks: [
        { t: 1, data: `data: {"error":"bad key ${KEY.slice(0, at)}` },
        { t: 2, data: `${KEY.slice(at)}"}\n\n` },
        { t: 3, data: `data: ${KEY}\n\n` },
      ],
    };
    const out = scrubber.value(record);
    expect(JSON.stringify(out)).not.toContain(KEY.slice(0, at));
    expect(JSON.stringify(out)).not.toContain(KEY.slice(at));
    expect(out.chunks.map((c) => c.data)).toEqual([
      'data: {"error":"bad key [redacted]',
      '"}\n\n',
      'data: [redacted]\n\n',
    ]);
    expect(out.chunks.map((c) => c.t)).toEqual([1, 2, 3]);
    expect(out.path).toBe('/v1/[redacted]');
    expect(out.n).toBe(3);
    // A copy: the live object is left as it is.
    expect(record.path).toBe(`/v1/${KEY}`);
  });

  it('hands a record that holds no secret back as it is (no copy, no pattern run over its bodies), and still finds a split one', () => {
    const record = {
      request: { headers: { a: 'b' }, body: 'no key here '.repeat(30_000) },
      chunks: [{ t: 1, data: 'nothing' }],
    };
    expect(scrubber.value(record)).toBe(record);
    // Each half alone holds no whole form of the key: the joined chunks do.
    const split = {
      ...record,
      chunks: [
        { t: 1, data: `x ${KEY.slice(0, 12)}` },
        { t: 2, data: `${KEY.slice(12)} y` },
      ],
    };
    expect(scrubber.value(split)).not.toBe(split);
    expect(scrubber.value(split).chunks.map((c) => c.data)).toEqual(['x [redacted]', ' y']);
    // A secret inside only one form (percent-encoded) still counts.
    const encoded = { ...record, path: `/v1?key=${encodeURIComponent(KEY)}` };
    expect(scrubber.value(encoded).path).toBe('/v1?key=[redacted]');
  });

  it('leaves text alone when there is nothing to scrub, and ignores values too short to be keys', () => {
    const none = new SecretScrubber(['short']);
    expect(none.empty).toBe(true);
    expect(none.text('a short text')).toBe('a short text');
  });
});
