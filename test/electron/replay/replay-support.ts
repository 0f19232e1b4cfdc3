/**
 * A replaying Tokentap: the test harness (the inspector service on 127.0.0.1:0 in front of a fake
 * upstream, for fall-through, with the official OpenAI SDK pointed at it) in replay mode.
 */
import { type ReplayOptions, ReplayResponder } from '../../../electron/replay/replay-responder.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { type Harness, type HarnessOptions, startHarness } from '../../support/tokentap-harness.ts';

export interface ReplayHarness extends Harness {
  responder: ReplayResponder;
}

/** Starts a proxy that replays `records` with `options` (source defaults to "test"). */
export async function startReplayHarness(
  records: readonly ExchangeRecord[],
  options: Partial<ReplayOptions> = {},
  harnessOptions: HarnessOptions = {},
): Promise<ReplayHarness> {
  const harness = await startHarness(harnessOptions);
  const responder = new ReplayResponder(records, {
    source: 'test',
    speed: 0,
    fallthrough: false,
    faults: [],
    ...options,
  });
  harness.proxy.setResponder(responder);
  return { ...harness, responder };
}
