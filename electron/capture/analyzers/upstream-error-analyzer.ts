import { isLive, setLifecycle } from '../../../shared/exchange/exchange-lifecycle.ts';
import { isHttpErrorStatus, readUpstreamError } from '../../../shared/interpreters/upstream-error.ts';
import type { Analyzer } from '../analyzer.ts';

/**
 * An HTTP error status from the upstream (400, 404, 429, 529 …) makes the exchange an error, with
 * the provider's error type, code and message read from the body. A failure the proxy saw itself
 * (unreachable, reset, client gone) is the truer account and is kept.
 */
export function upstreamErrorAnalyzer(): Analyzer {
  return {
    name: 'upstream-error',
    onResponseEnd(draft) {
      const { record } = draft;
      if (!isLive(record) || record.response === null || !isHttpErrorStatus(record.status)) return;
      setLifecycle(record, {
        state: 'error',
        error: readUpstreamError(record.status, draft.responseBody.text()),
      });
    },
  };
}
