import { type IntegrityFlag, UPSTREAM_HTTP_ERROR } from '../../../shared/exchange-record.ts';
import type { Analyzer } from '../analyzer.ts';

/** Plain facts about how the exchange ended that its status alone does not tell. */
export function integrityAnalyzer(): Analyzer {
  return {
    name: 'integrity',
    onResponseEnd(draft) {
      const { record } = draft;
      const flags = new Set<IntegrityFlag>(record.integrity);
      const kind = record.error?.kind;
      if (kind === 'client-aborted') flags.add('client-closed');
      // An HTTP error answer is the upstream speaking, not failing: it is told by the error itself.
      else if (kind && kind !== UPSTREAM_HTTP_ERROR) flags.add('upstream-failed');
      const ok = record.status !== null && record.status >= 200 && record.status < 300;
      if (draft.interpreted && ok) {
        if (draft.responseIsStream && !draft.interpreted.terminated) flags.add('missing-terminator');
        if (record.usage === null) flags.add('usage-missing');
      }
      if (record.streamError) flags.add('error-event');
      record.integrity = [...flags];
    },
  };
}
