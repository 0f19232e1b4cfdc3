import { geminiCall } from '../../../shared/interpreters/gemini-path.ts';
import type { Analyzer } from '../analyzer.ts';

/**
 * Gemini's native API names the model and whether to stream in the path
 * (`…/models/gemini-2.5-flash:streamGenerateContent`), not in the body: after the metadata
 * analyzer has read the body, this puts them right for Gemini calls.
 */
export function geminiRequestAnalyzer(): Analyzer {
  return {
    name: 'gemini-request',
    onRequestEnd(draft) {
      const { record } = draft;
      if (record.api !== 'gemini.generate' && record.api !== 'gemini.count-tokens') return;
      const call = geminiCall(record.path);
      if (call === null) return;
      draft.requestedModel = call.model;
      record.model = call.model;
      record.stream = call.method === 'streamGenerateContent';
    },
  };
}
