import type { IntegrityFlag } from '../../../shared/exchange/exchange-record.ts';
import type { Analyzer } from '../analyzer.ts';

/** Plain facts about how the exchange ended that its status alone does not tell. */
export function integrityAnalyzer(): Analyzer {
  return {
    name: 'integrity',
    onResponseEnd(draft) {
      const { record } = draft;
      // A client that went away or an upstream that failed is the exchange's state, not a flag.
      const flags = new Set<IntegrityFlag>(record.integrity);
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
