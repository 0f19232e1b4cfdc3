import { isMainThread } from 'node:worker_threads';
import { isConversationApi, normaliseRequest } from '../../../shared/threads/normalise-request.ts';
import { responseIds } from '../../../shared/threads/response-ids.ts';
import { type BegunTurn, ThreadTracker } from '../../../shared/threads/thread-tracker.ts';
import { isThreadedSocketApi, WebSocketTurns } from '../../../shared/threads/websocket-turns.ts';
import { parseJson } from '../../../shared/wire/json-fields.ts';
import { type Analyzer, type AnalyzerFactory, type ExchangeDraft, requestJson } from '../analyzer.ts';

/**
 * Loads the tokenizer for context estimates, once per tracker, when its first conversation is
 * seen, and only in a worker thread (the analysis worker): compiling its tables blocks a thread
 * for a few hundred ms, which the thread that forwards traffic must never pay. Until it has
 * loaded (and wherever it is not loaded), estimates count four characters a token, and say so.
 */
function loadTokenizer(tracker: ThreadTracker): void {
  import('gpt-tokenizer/encoding/o200k_base')
    .then((m) => {
      tracker.counter = { name: 'o200k_base', count: (text) => m.countTokens(text) };
    })
    .catch(() => {
      // Without it, estimates stay at four characters a token, labelled `chars/4`.
    });
}

/**
 * Puts each conversation exchange in its thread (`record.thread`, when the request is complete)
 * and, when it ends, what changed since the previous turn, the prompt cache verdict and the
 * context breakdown. One tracker serves every exchange of the worker; it keeps hashes, not bodies.
 */
export function threadAnalyzers(tracker = new ThreadTracker()): AnalyzerFactory {
  let loading = isMainThread;
  const load = (): void => {
    if (loading) return;
    loading = true;
    loadTokenizer(tracker);
  };
  return () => threadAnalyzer(tracker, load);
}

function threadAnalyzer(tracker: ThreadTracker, loadTokenizerOnce: () => void): Analyzer {
  let begun: BegunTurn | null = null;
  let socket: WebSocketTurns | null = null;

  const begin = (draft: ExchangeDraft, json: unknown): void => {
    const { record } = draft;
    const request = normaliseRequest(
      record.api,
      json,
      record.request.headers,
      draft.requestedModel ?? record.model,
    );
    if (request === null) return;
    loadTokenizerOnce();
    begun = tracker.begin(record.id, record.api, Date.parse(record.startedAt), request);
    record.thread = begun.ref;
    record.delta = begun.delta;
  };

  return {
    name: 'thread',
    onRequestStart(draft) {
      // Set from the start, so a record of this version never lacks it (absent means "made before threads").
      // Other traffic (embeddings, plain HTTP) keeps its shape: no `thread` field at all.
      if (isConversationApi(draft.record.api) || isThreadedSocketApi(draft.record.api))
        draft.record.thread = null;
    },
    onRequestEnd(draft) {
      const { record, requestBody, scrubber } = draft;
      if (!isConversationApi(record.api) || requestBody.truncated) return;
      // Texts are scrubbed of the keys this request carried before they are cut into previews or
      // kept for later turns: a key cut in half by a preview would escape the record's own
      // scrubbing, and a later exchange's record is scrubbed of its own keys only. A body without
      // a key in it (nearly every one) is the one the other analyzers parsed.
      const text = requestBody.text();
      const scrubbed = scrubber.empty ? text : scrubber.text(text);
      begin(draft, scrubbed === text ? requestJson(draft) : parseJson(scrubbed));
    },
    onResponseStart(draft, event) {
      const { api } = draft.record;
      if (event.status === 101) {
        // A WebSocket: its turns are read from its messages as they come (Responses and Realtime APIs).
        begun = null;
        if (isThreadedSocketApi(api)) {
          loadTokenizerOnce();
          socket = new WebSocketTurns(tracker, draft.record);
        }
      }
    },
    onWebSocketMessage(draft, message, text) {
      if (socket === null || text === null) return;
      const { scrubber } = draft;
      const scrubbed = scrubber.empty ? text : scrubber.text(text);
      if (message.from === 'client') socket.client(scrubbed, message.t);
      else socket.server(scrubbed, message.t);
    },
    onResponseEnd(draft) {
      const { record } = draft;
      if (socket !== null) {
        socket.close();
        return;
      }
      const usage = record.usage;
      let ids: string[] = [];
      if (record.api === 'openai.responses' || record.api === 'azure.responses') {
        ids = responseIds(draft.responseBody.text().slice(0, 4096));
      }
      if (begun === null) return;
      const { cache, context } = tracker.end(begun, {
        usage,
        responseIds: ids,
        toolCalls: record.merged?.toolCalls ?? [],
      });
      record.cache = cache;
      record.context = context;
    },
  };
}
