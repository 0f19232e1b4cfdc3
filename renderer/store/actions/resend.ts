import type { ResendRequest } from '../../../shared/contract/inspector-contract.ts';
import type { ExchangeSummary } from '../../../shared/exchange/exchange-record.ts';
import { messageOf, type StoreKit } from '../store-kit.ts';

/** Sending a captured request again. */
export function resendActions({ api, get, actions }: StoreKit) {
  /**
   * Sends a captured request again and selects the new exchange (in the live session, where it is
   * captured); resolves with an error message for the form, or null.
   */
  async function resendExchange(request: ResendRequest): Promise<string | null> {
    let summary: ExchangeSummary;
    try {
      summary = await api.exchanges.resend(request);
    } catch (error) {
      return messageOf(error);
    }
    if (get().viewSession !== null) await actions.loadSession(null);
    if (!get().byId.has(summary.id)) actions.applySummaries([summary]);
    await actions.select(summary.id);
    return null;
  }

  return { resendExchange };
}
