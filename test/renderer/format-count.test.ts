import { describe, expect, it } from 'vitest';
import { countOf } from '../../renderer/format.ts';

describe('countOf', () => {
  it('says one in the singular and any other count in the plural, with separators', () => {
    expect(countOf(1, 'request')).toBe('1 request');
    expect(countOf(0, 'request')).toBe('0 requests');
    expect(countOf(2, 'request')).toBe('2 requests');
    expect(countOf(1204, 'exchange')).toBe('1,204 exchanges');
    expect(countOf(3, 'entry', 'entries')).toBe('3 entries');
  });
});
