/**
 * Block hashes are stored in session files and thread ids are made from them, so the hex form of
 * a hash never changes: these are the values the first version gave (leading zeros included in
 * each part of the number).
 */
import { describe, expect, it } from 'vitest';
import { hashText } from '../../../shared/threads/stable-hash.ts';

describe('hashText', () => {
  it('gives the same 14 hex digits as it always did', () => {
    const cases: Array<[string, number, string]> = [
      ['', 0, '0bdcb81aee8d83'],
      ['a', 0, '1c2ba782c97901'],
      ['hello world', 0, '0b9417d15d1014'],
      ['user', 4, '1110b74d210e24'],
      ['x'.repeat(1000), 0, '1a7942aee5273b'],
      ['héllo ✓ 😀', 7, '0a5fe6160a0c12'],
      ['n77', 0, '085ceb000c6719'],
      ['n91', 0, '0063b0352d5f70'],
      ['n110', 0, '002f4c5557012e'],
    ];
    for (const [text, seed, hash] of cases) expect(hashText(text, seed)).toBe(hash);
  });
});
