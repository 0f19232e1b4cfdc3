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
      if (event.upstream !== undefined) draft.record.upstream = event.upstream;
    },
    onRequestEnd(draft) {
      const { record, requestBody } = draft;
      const text = requestBody.text();
      let model: string | null;
      let stream: boolean;
      if (requestBody.truncated) {
        // A cut body is not JSON: parsing megabytes only to fail would cost a copy of them.
        const prefix = readRequestPrefixMeta(record.api, text);
        model = prefix.model;
        stream = prefix.stream === true;
        streamUnknown = prefix.stream === null;
      } else {
        ({ model, stream } = readRequestMeta(record.api, text));
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
