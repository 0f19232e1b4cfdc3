/** The replay channels' boundary checks (shared by the IPC gateway and the HTTP routes) and fault specs. */
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../../shared/contract/argument-check.ts';
import { checkArguments } from '../../../shared/contract/check-arguments.ts';
import { parseFault } from '../../../shared/contract/replay-fault.ts';

describe('replay arguments', () => {
  it('accepts typed requests and fault strings, and fills defaults', () => {
    expect(checkArguments('replay.start', [{ session: null, speed: 2, faults: ['cut-after=3'] }])).toEqual([
      {
        session: null,
        speed: 2,
        fallthrough: false,
        faults: [{ kind: 'cut-after', events: 3 }],
      },
    ]);
    expect(checkArguments('exchanges.resend', [{ id: 'a', session: null, model: 'm', apiKey: '' }])).toEqual([
      { id: 'a', session: null, model: 'm' },
    ]);
    expect(checkArguments('replay.stop', [])).toEqual([]);
  });

  it('refuses what a compromised renderer might send', () => {
    expect(() => checkArguments('replay.start', [{ speed: -1 }])).toThrow(ArgumentError);
    expect(() => checkArguments('replay.start', [{ faults: [{ kind: 'boom' }] }])).toThrow(
      /unknown fault kind/,
    );
    expect(() => checkArguments('exchanges.resend', [{ id: 3 }])).toThrow(/id must be a string/);
    expect(() => checkArguments('replay.stop', ['x'])).toThrow(/takes no arguments/);
  });

  it('parses every fault form', () => {
    expect(parseFault('drop-usage')).toEqual({ kind: 'drop-usage' });
    expect(parseFault('delay-first-byte=250')).toEqual({ kind: 'delay-first-byte', ms: 250 });
    expect(parseFault('rate-limit')).toEqual({ kind: 'rate-limit', retryAfterSeconds: 1 });
    expect(parseFault('rate-limit=30')).toEqual({ kind: 'rate-limit', retryAfterSeconds: 30 });
    expect(parseFault('error-mid-stream')).toEqual({ kind: 'error-mid-stream' });
    expect(() => parseFault('cut-after')).toThrow(/cut-after=N/);
  });
});
