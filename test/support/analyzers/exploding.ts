/** Analyzers for the analysis worker (loaded by URL): the defaults plus one that always throws. */
import type { Analyzer, AnalyzerFactory } from '../../../electron/capture/analyzer.ts';
import { defaultAnalyzers } from '../../../electron/capture/capture-pipeline.ts';
import type { CaptureLimits } from '../../../electron/capture/exchange-assembler.ts';

const exploding: Analyzer = {
  name: 'exploding',
  onResponseData() {
    throw new Error('boom');
  },
};

export default function analyzers(limits: CaptureLimits): AnalyzerFactory[] {
  return [...defaultAnalyzers(limits), () => exploding];
}
