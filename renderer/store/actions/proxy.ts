import type { Settings } from '../../../shared/contract/inspector-contract.ts';
import { messageOf, type StoreKit } from '../store-kit.ts';

/** The proxy's status, its settings and pausing capture. */
export function proxyActions({ api, set, actions }: StoreKit) {
  async function refreshStatus(): Promise<void> {
    try {
      set({ status: await api.status.get(), statusError: null });
    } catch (error) {
      set({ statusError: messageOf(error) });
    }
  }

  async function setCapturePaused(paused: boolean): Promise<void> {
    try {
      set({ status: await api.capture.setPaused(paused) });
    } catch (error) {
      actions.notify('error', `Could not ${paused ? 'pause' : 'resume'} capture: ${messageOf(error)}`);
    }
  }

  /** Saves listen address and upstream; resolves with an error message for the dialog, or null. */
  async function updateSettings(settings: Settings): Promise<string | null> {
    try {
      const status = await api.settings.update(settings);
      set({ status });
      return status.error;
    } catch (error) {
      return messageOf(error);
    }
  }

  return { refreshStatus, setCapturePaused, updateSettings };
}
