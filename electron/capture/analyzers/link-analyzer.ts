import { REPLAY_HEADER, RESENT_FROM_HEADER } from '../../../shared/contract/tokentap-headers.ts';
import type { HeaderMap } from '../../../shared/exchange/capture-events.ts';
import type { Analyzer } from '../analyzer.ts';

/**
 * Links an exchange to the one it came from, read from Tokentap's own headers (which the capture
 * keeps, so the link is visible in the raw headers too): a resend's request carries
 * `x-tokentap-resent-from: <id>; nonce=…`, a replayed answer `x-tokentap-replay: <id>|miss`.
 */
export function linkAnalyzer(): Analyzer {
  return {
    name: 'link',
    onRequestStart(draft, event) {
      const from = first(event.headers, RESENT_FROM_HEADER)?.split(';')[0]?.trim();
      if (from) draft.record.resentFrom = from;
    },
    onResponseStart(draft, event) {
      const of = first(event.headers, REPLAY_HEADER)?.trim();
      if (of) draft.record.replayOf = of;
    },
  };
}

function first(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
