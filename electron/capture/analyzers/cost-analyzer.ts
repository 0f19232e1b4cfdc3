import { costUsd } from '../../../shared/usage/price.ts';
import type { Analyzer } from '../analyzer.ts';

/** What the exchange cost, from its normalised usage and a maintained price library. */
export function costAnalyzer(): Analyzer {
  return {
    name: 'cost',
    onResponseEnd(draft) {
      const { api, model, usage, upstream, startedAt } = draft.record;
      draft.record.costUsd = costUsd(api, model, usage, { upstream, at: new Date(startedAt) });
    },
  };
}
