import { detectApi, readRequestMeta } from '../../../shared/api-detect.ts';
import type { Analyzer } from '../analyzer.ts';

/** API kind from the path, then model and stream flag from the request body. */
export function metadataAnalyzer(): Analyzer {
  return {
    name: 'metadata',
    onRequestStart(draft, event) {
      draft.record.api = detectApi(event.method, event.path);
    },
    onRequestEnd(draft) {
      const meta = readRequestMeta(draft.record.api, draft.requestBody.text());
      draft.requestJson = meta.json;
      draft.requestedModel = meta.model;
      draft.record.model = meta.model;
      draft.record.stream = meta.stream;
    },
  };
}
