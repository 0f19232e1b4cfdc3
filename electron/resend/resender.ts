import { request } from 'undici';
import type { ExchangeSummary } from '../../shared/exchange/exchange-record.ts';
import { resendUrl } from '../../shared/security/resend-url.ts';
import type { FinishedExchange } from '../capture/finished-exchange.ts';
import type { ResendPlan } from './resend-request.ts';

/** How long a resend waits for its capture once the response has been read. */
const CAPTURE_WAIT_MS = 30_000;

/**
 * Sends captured requests again through Tokentap's own proxy, so each is captured like any other
 * exchange, and waits for that new exchange: the nonce in its link header says which it is.
 */
export class Resender {
  readonly #waiting = new Map<string, (summary: ExchangeSummary) => void>();

  /**
   * Sends the plan to the proxy and resolves with the new exchange once it has been captured.
   * Only ever to the proxy: a path that would lead anywhere else is refused before anything is sent.
   */
  async send(proxyUrl: string, plan: ResendPlan, nonce: string): Promise<ExchangeSummary> {
    const url = resendUrl(proxyUrl, plan.path);
    const recorded = new Promise<ExchangeSummary>((resolve) => this.#waiting.set(nonce, resolve));
    try {
      const response = await request(url, {
        method: plan.method as 'POST',
        headers: plan.headers,
        body: plan.body,
      });
      // Read to the end: the exchange is recorded once its response is over.
      for await (const _ of response.body) {
        // Nothing to keep: the capture has every byte.
      }
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('The resend was sent, but its capture did not arrive in time')),
          CAPTURE_WAIT_MS,
        );
      });
      try {
        return await Promise.race([recorded, late]);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      this.#waiting.delete(nonce);
    }
  }

  /** An exchange was captured: if it is a resend being waited for, that wait is over. */
  captured(exchange: FinishedExchange): void {
    const nonce = exchange.resendNonce;
    const resolve = nonce === null ? undefined : this.#waiting.get(nonce);
    resolve?.(exchange.summary);
  }
}
