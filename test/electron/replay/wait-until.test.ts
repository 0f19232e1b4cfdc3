import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../../electron/replay/wait-until.ts';

describe('waitUntil', () => {
  it('waits for an offset past 2^31 ms (a hostile recording) without Node firing the timer at once', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const pending = waitUntil(performance.now() + 2 ** 33);
      expect(pending).toBeInstanceOf(Promise);
      // Node emits its TimeoutOverflowWarning on the next tick, well before the next turn of the loop.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain('TimeoutOverflowWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
