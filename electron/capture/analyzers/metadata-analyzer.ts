import { detectApi, readRequestPrefixMeta, requestMetaOf } from '../../../shared/interpreters/api-detect.ts';
import { type Analyzer, requestJson } from '../analyzer.ts';

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
      // The API is told by the path the provider sees: `/openai/v1/…` through the `openai` route is
      // OpenAI's `/v1/…`, not Azure's `/openai/v1/…`.
      const prefix = event.routePrefix;
      draft.record.api = detectApi(
        event.method,
        prefix ? event.path.slice(prefix.length) || '/' : event.path,
      );
      if (event.upstream !== undefined) draft.record.upstream = event.upstream;
      if (event.provider !== undefined) draft.record.provider = event.provider;
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
        // Parsed once for every analyzer (the thread analyzer reads a conversation's body whole),
        // re-sent message blocks not parsed again.
        ({ model, stream } = requestMetaOf(record.api, requestJson(draft), text));
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
