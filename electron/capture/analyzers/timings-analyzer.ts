import type { ChunkGaps } from '../../../shared/exchange/exchange-record.ts';
import type { Analyzer } from '../analyzer.ts';

/** Time to headers, to first token, to the end; output speed; the gaps between stream chunks. */
export function timingsAnalyzer(): Analyzer {
  return {
    name: 'timings',
    onResponseStart(draft, event) {
      draft.record.timings.headersMs = round(event.t);
    },
    onResponseEnd(draft) {
      const timings = draft.record.timings;
      timings.totalMs = draft.endT === null ? null : round(draft.endT);
      timings.firstTokenMs = draft.firstOutputT === null ? null : round(draft.firstOutputT);
      const output = draft.record.usage?.outputTokens;
      if (draft.firstOutputT !== null && draft.endT !== null && output) {
        const seconds = (draft.endT - draft.firstOutputT) / 1000;
        timings.outputTokensPerSecond = seconds > 0 ? Math.round((output / seconds) * 10) / 10 : null;
      }
      if (draft.responseIsStream) draft.record.gaps = gapsBetween(draft.chunkTimes);
    },
  };
}

/** Statistics of the gaps between consecutive arrival times; null with fewer than two chunks. */
export function gapsBetween(times: readonly number[]): ChunkGaps | null {
  if (times.length < 2) return null;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push((times[i] as number) - (times[i - 1] as number));
  gaps.sort((a, b) => a - b);
  const at = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] as number;
  return { count: gaps.length, medianMs: round(at(0.5)), p95Ms: round(at(0.95)), maxMs: round(at(1)) };
}

/** Sub-millisecond, but not float noise: three decimals. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
