/**
 * A captured body is kept up to its cap whatever length it declares: the declared length only
 * sizes the first buffer (so an agent's 300 KB turn is copied once, not grown by doubling), and a
 * client that declares far more than it sends cannot make the analysis reserve memory for it.
 */
import { describe, expect, it } from 'vitest';
import { CappedBytes } from '../../../electron/capture/capped-bytes.ts';

const text = (n: number, from = 0) =>
  Buffer.from(Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((from + i) % 26))).join(''));

/** Adds `body` in parts of `part` bytes. */
function filled(body: Buffer, cap: number, declared: number, part: number): CappedBytes {
  const bytes = new CappedBytes(cap, declared);
  for (let at = 0; at < body.length; at += part) bytes.add(body.subarray(at, at + part));
  return bytes;
}

describe('captured bytes and a declared length', () => {
  it('keep exactly what arrived, whether the declared length is right, too long, too short or not a number', () => {
    const body = text(300_000);
    for (const declared of [300_000, 10_000_000, 1_000, Number.NaN, -5, 0]) {
      const bytes = filled(body, 16 * 1024 * 1024, declared, 65_536);
      expect(bytes.text(), `declared ${declared}`).toBe(body.toString());
      expect(bytes.seen).toBe(body.length);
      expect(bytes.truncated).toBe(false);
    }
  });

  it('stop at the cap even when the declared length is below it', () => {
    const body = text(5_000);
    const bytes = filled(body, 4_096, 1_000, 700);
    expect(bytes.text()).toBe(body.subarray(0, 4_096).toString());
    expect(bytes.seen).toBe(5_000);
    expect(bytes.truncated).toBe(true);
  });

  it('reserve at most a megabyte for a body that declares sixteen and sends one byte', () => {
    const before = process.memoryUsage().arrayBuffers;
    const held = Array.from({ length: 64 }, () => {
      const bytes = new CappedBytes(16 * 1024 * 1024, 16 * 1024 * 1024);
      bytes.add(Buffer.from('x'));
      return bytes;
    });
    const reserved = process.memoryUsage().arrayBuffers - before;
    expect(held.every((bytes) => bytes.text() === 'x')).toBe(true);
    // Believed whole, the declared lengths would hold 1 GiB.
    expect(reserved).toBeLessThanOrEqual(64 * 1024 * 1024 + 1024 * 1024);
  });
});
