/**
 * Analyzers for the analysis worker (loaded by URL): the defaults plus one that ends the worker
 * thread when a request's path contains `kill-the-analysis-worker`, as a crash or an
 * out-of-memory would.
 */
import type { AnalyzerFactory } from '../../../electron/capture/analyzer.ts';
import { defaultAnalyzers } from '../../../electron/capture/capture-pipeline.ts';
import type { CaptureLimits } from '../../../electron/capture/exchange-assembler.ts';

export default function analyzers(limits: CaptureLimits): AnalyzerFactory[] {
  return [
    ...defaultAnalyzers(limits),
    () => ({
      name: 'worker-killing',
      onRequestStart(_draft, event) {
        if (event.path.includes('kill-the-analysis-worker')) process.exit(70);
      },
    }),
  ];
}
