/**
 * Analyzers for the analysis worker (loaded by URL): the defaults plus one that fails with the
 * request body in its message, as `JSON.parse` errors quote their input: what it logs must still
 * hold no key.
 */
import type { AnalyzerFactory } from '../../../electron/capture/analyzer.ts';
import { defaultAnalyzers } from '../../../electron/capture/capture-pipeline.ts';
import type { CaptureLimits } from '../../../electron/capture/exchange-assembler.ts';

export default function analyzers(limits: CaptureLimits): AnalyzerFactory[] {
  return [
    ...defaultAnalyzers(limits),
    () => ({
      name: 'body-quoting',
      onRequestEnd(draft) {
        throw new Error(`cannot read ${draft.requestBody.text()} at ${draft.record.path}`);
      },
    }),
  ];
}
