import type { ReplayStartRequest } from '../../../shared/contract/inspector-contract.ts';
import { messageOf, type StoreKit } from '../store-kit.ts';

/** Replay mode: the proxy answers from a recorded session instead of the upstream. */
export function replayModeActions({ api, set, actions }: StoreKit) {
  /** Starts replay mode; resolves with an error message, or null. */
  async function startReplayMode(request: ReplayStartRequest): Promise<string | null> {
    try {
      set({ status: await api.replay.start(request), statusError: null });
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Leaves replay mode: the proxy forwards to the upstream again. */
  async function stopReplayMode(): Promise<void> {
    try {
      set({ status: await api.replay.stop(), statusError: null });
    } catch (error) {
      actions.notify('error', `Could not stop the replay: ${messageOf(error)}`);
    }
  }

  return { startReplayMode, stopReplayMode };
}
