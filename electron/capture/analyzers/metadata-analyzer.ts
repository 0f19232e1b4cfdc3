import { detectApi, readRequestMeta, readRequestPrefixMeta } from '../../../shared/api-detect.ts';
import type { Analyzer } from '../analyzer.ts';

/**
 * API kind from the path, then model and stream flag from the request body: parsed when whole,
 * scanned from its start when the capture cap cut it (agents send prompts of many MB).
 */
export function metadataAnalyzer(): Analyzer {
  /** The kept part of a cut body did not say whether the client asked for a stream. */
  let streamUnknown = false;
  return {
    name: 'metadata',
    onRequestStart(draft, event) {
      draft.record.api = detectApi(event.method, event.path);
    },
    onRequestEnd(draft) {
      const { record, requestBody } = draft;
      const text = requestBody.text();
      const meta = readRequestMeta(record.api, text);
      draft.requestJson = meta.json;
      let { model, stream } = meta;
      if (meta.json === undefined && requestBody.truncated) {
        const prefix = readRequestPrefixMeta(record.api, text);
        model = prefix.model;
        stream = prefix.stream === true;
        streamUnknown = prefix.stream === null;
      }
      draft.requestedModel = model;
      record.model = model;
      record.stream = stream;
    },
    onResponseEnd(draft) {
      // The answer tells what the cut request did not: an event stream was asked for.
      if (streamUnknown && draft.responseIsStream) draft.record.stream = true;
    },
  };
}
