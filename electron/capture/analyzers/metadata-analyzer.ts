import { splitBlocks } from '../../../shared/exchange/message-blocks.ts';
import {
  detectApi,
  readRequestMeta,
  readRequestPrefixMeta,
  requestMetaOf,
} from '../../../shared/interpreters/api-detect.ts';
import type { ApiKind } from '../../../shared/interpreters/api-kind.ts';
import { isConversationApi } from '../../../shared/threads/normalise-request.ts';
import { type Analyzer, requestJson } from '../analyzer.ts';
import { recentBlock } from '../recent-blocks.ts';

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
      } else if (isConversationApi(record.api)) {
        // The thread analyzer parses a conversation's body whole anyway: parsed once, for both.
        ({ model, stream } = requestMetaOf(record.api, requestJson(draft), text));
      } else {
        ({ model, stream } = readWholeRequestMeta(record.api, text));
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

/**
 * `readRequestMeta` without parsing what an agent re-sent: a body cut into message blocks is
 * JSON exactly when each block is a JSON value and so is the rest with each block taken for ` 0 `;
 * the blocks seen before are known to be, and the rest (the top-level fields, `model` and
 * `stream` among them) is small. Same answer as parsing it all, a fraction of the work.
 */
function readWholeRequestMeta(api: ApiKind, text: string): { model: string | null; stream: boolean } {
  const pieces = splitBlocks(text);
  if (pieces === null) return readRequestMeta(api, text);
  let rest = '';
  for (const piece of pieces) {
    if (!piece.block) {
      rest += piece.text;
      continue;
    }
    const block = recentBlock(piece.text);
    block.json ??= isJson(piece.text);
    if (!block.json) return readRequestMeta(api, text);
    // Spaced, so it can only be read as a value of its own (`0.5` after a block is not JSON).
    rest += ' 0 ';
  }
  if (!isJson(rest)) return readRequestMeta(api, text);
  return readRequestMeta(api, rest);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
