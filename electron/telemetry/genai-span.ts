import { failureKindOf, isUpstreamHttpError } from '../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import type { ApiKind } from '../../shared/interpreters/api-kind.ts';
import type { ThreadRef } from '../../shared/threads/thread-types.ts';
import {
  arr,
  isRecord,
  type JsonRecord,
  nonEmptyStr,
  num,
  parseJson,
  rec,
  str,
} from '../../shared/wire/json-fields.ts';
import { genAiContent } from './genai-content.ts';

/** A span attribute value as OpenTelemetry takes it. */
export type AttributeValue = string | number | boolean | string[] | number[];

/** One exchange as a GenAI client span, with what its metrics record. */
export interface GenAiSpan {
  name: string;
  /** Epoch ms: the exchange's own times, never the export's. */
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** `error.type` when the exchange failed (the span's status is then ERROR). */
  error: { type: string; message: string } | null;
  /** Attributes every metric point carries (the convention's low-cardinality set). */
  metricAttributes: Record<string, string | number>;
  durationSeconds: number;
  timeToFirstChunkSeconds: number | null;
  /** The mean time per output chunk after the first, when the stream had more than one. */
  timePerOutputChunkSeconds: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** Its conversation thread: a thread's turns share one trace, a sub-agent's hang under its parent's turn. */
  thread: ThreadRef | null;
}

/** The convention's operation name for each API this exports; the rest (plain HTTP, transcriptions) is not a GenAI operation here. */
const OPERATION: Partial<Record<ApiKind, string>> = {
  'openai.chat': 'chat',
  'azure.chat': 'chat',
  'openai.responses': 'chat',
  'azure.responses': 'chat',
  'anthropic.messages': 'chat',
  'ollama.chat': 'chat',
  'openai.embeddings': 'embeddings',
  'azure.embeddings': 'embeddings',
  'ollama.embed': 'embeddings',
  'openai.completions': 'text_completion',
  'azure.completions': 'text_completion',
  'ollama.generate': 'text_completion',
};

/** `gen_ai.provider.name` by upstream host, the convention's well-known values. */
const PROVIDER_BY_HOST: ReadonlyArray<[RegExp, string]> = [
  [/(^|\.)openai\.azure\.com$|(^|\.)cognitiveservices\.azure\.com$/, 'azure.ai.openai'],
  [/(^|\.)api\.openai\.com$/, 'openai'],
  [/(^|\.)anthropic\.com$/, 'anthropic'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)x\.ai$/, 'x_ai'],
  [/(^|\.)mistral\.ai$/, 'mistral_ai'],
  [/(^|\.)perplexity\.ai$/, 'perplexity'],
  [/(^|\.)cohere\.(com|ai)$/, 'cohere'],
  [/(^|\.)generativelanguage\.googleapis\.com$/, 'gcp.gemini'],
];

/** Builds the span for a finished exchange, or null for one that is no GenAI operation. */
export function genAiSpan(record: ExchangeRecord, captureContent: boolean): GenAiSpan | null {
  const operation = OPERATION[record.api];
  if (!operation) return null;
  const request = requestJson(record);
  const provider = providerName(record);
  const startMs = Date.parse(record.startedAt);
  const totalMs = record.timings.totalMs ?? 0;
  const a: Record<string, AttributeValue> = {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    // The name before semantic conventions 1.37; many backends still read only this one.
    'gen_ai.system': provider,
    'tokentap.exchange.id': record.id,
    'tokentap.api': record.api,
    'http.request.method': record.method,
  };
  const server = serverOf(record.upstream);
  if (server) {
    a['server.address'] = server.address;
    a['server.port'] = server.port;
  }
  // The record's model is the answer's when it named one; the request's is what was asked for.
  const model = nonEmptyStr(request?.model) ?? record.model;
  if (model) a['gen_ai.request.model'] = model;
  if (request) requestParameters(request, a);
  const response = responseFacts(record);
  if (response.model) a['gen_ai.response.model'] = response.model;
  if (response.id) a['gen_ai.response.id'] = response.id;
  const finish = record.merged?.finishReason;
  if (finish) a['gen_ai.response.finish_reasons'] = [finish];
  const usage = record.usage;
  if (usage) {
    a['gen_ai.usage.input_tokens'] = usage.inputTokens;
    a['gen_ai.usage.output_tokens'] = usage.outputTokens;
    if (usage.cachedTokens !== null) a['gen_ai.usage.cache_read.input_tokens'] = usage.cachedTokens;
    if (usage.cacheWriteTokens !== undefined)
      a['gen_ai.usage.cache_creation.input_tokens'] = usage.cacheWriteTokens;
    if (usage.reasoningTokens !== null) a['gen_ai.usage.reasoning.output_tokens'] = usage.reasoningTokens;
  }
  const firstChunk = record.timings.firstTokenMs;
  if (firstChunk !== null) a['gen_ai.response.time_to_first_chunk'] = firstChunk / 1000;
  // The thread Tokentap found is the conversation; without one, an id the request carries.
  const thread = record.thread ?? null;
  const conversation = thread?.id ?? (request ? conversationId(request) : null);
  if (conversation) a['gen_ai.conversation.id'] = conversation;
  if (thread) {
    a['tokentap.thread.turn'] = thread.turn;
    if (thread.parentId) a['tokentap.thread.parent_id'] = thread.parentId;
  }
  if (record.status !== null) a['http.response.status_code'] = record.status;
  if (record.costUsd !== null) a['tokentap.cost_usd'] = record.costUsd;
  if (record.tenant) a['tokentap.tenant'] = record.tenant;
  if (record.organization) a['openai.organization'] = record.organization;
  if (record.project) a['openai.project'] = record.project;
  if (record.stream) a['tokentap.stream'] = true;
  const error = errorOf(record);
  if (error) a['error.type'] = error.type;
  if (captureContent && request) Object.assign(a, genAiContent(record, request));

  const metricAttributes: Record<string, string | number> = {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
  };
  if (model) metricAttributes['gen_ai.request.model'] = model;
  if (response.model) metricAttributes['gen_ai.response.model'] = response.model;
  if (server) {
    metricAttributes['server.address'] = server.address;
    metricAttributes['server.port'] = server.port;
  }
  if (error) metricAttributes['error.type'] = error.type;
  return {
    name: model ? `${operation} ${model}` : operation,
    startMs,
    endMs: startMs + totalMs,
    attributes: a,
    error,
    metricAttributes,
    durationSeconds: totalMs / 1000,
    timeToFirstChunkSeconds: firstChunk === null ? null : firstChunk / 1000,
    timePerOutputChunkSeconds: timePerChunk(record),
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    thread,
  };
}

function requestJson(record: ExchangeRecord): JsonRecord | null {
  if (record.request.encoding === 'base64') return null;
  return rec(parseJson(record.request.body));
}

function providerName(record: ExchangeRecord): string {
  const host = serverOf(record.upstream)?.address;
  if (host) for (const [pattern, name] of PROVIDER_BY_HOST) if (pattern.test(host)) return name;
  if (record.api.startsWith('azure.')) return 'azure.ai.openai';
  if (record.api.startsWith('anthropic.')) return 'anthropic';
  if (record.api.startsWith('ollama.')) return 'ollama';
  return 'openai';
}

function serverOf(upstream: string | undefined): { address: string; port: number } | null {
  if (!upstream) return null;
  try {
    const url = new URL(upstream);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { address: url.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return null;
  }
}

function requestParameters(body: JsonRecord, a: Record<string, AttributeValue>): void {
  const options = rec(body.options); // Ollama's native API
  const maxTokens =
    num(body.max_tokens) ??
    num(body.max_completion_tokens) ??
    num(body.max_output_tokens) ??
    num(options?.num_predict);
  if (maxTokens !== null) a['gen_ai.request.max_tokens'] = maxTokens;
  const numbers: Array<[string, unknown]> = [
    ['gen_ai.request.temperature', body.temperature ?? options?.temperature],
    ['gen_ai.request.top_p', body.top_p ?? options?.top_p],
    ['gen_ai.request.top_k', body.top_k ?? options?.top_k],
    ['gen_ai.request.seed', body.seed ?? options?.seed],
    ['gen_ai.request.frequency_penalty', body.frequency_penalty],
    ['gen_ai.request.presence_penalty', body.presence_penalty],
  ];
  for (const [name, value] of numbers) {
    const n = num(value);
    if (n !== null) a[name] = n;
  }
  const stop = body.stop ?? body.stop_sequences ?? options?.stop;
  const stops =
    typeof stop === 'string' ? [stop] : arr(stop).filter((s): s is string => typeof s === 'string');
  if (stops.length > 0) a['gen_ai.request.stop_sequences'] = stops;
  const n = num(body.n);
  if (n !== null && n !== 1) a['gen_ai.request.choice.count'] = n;
  const encoding = str(body.encoding_format);
  if (encoding) a['gen_ai.request.encoding_formats'] = [encoding];
}

/**
 * An id the request itself carries that ties its turns together, for records captured before
 * threads: the Responses API's `conversation` or `previous_response_id`, Anthropic's
 * `metadata.user_id`. Without one, none is set.
 */
function conversationId(body: JsonRecord): string | null {
  const conversation = body.conversation;
  return (
    nonEmptyStr(conversation) ??
    nonEmptyStr(rec(conversation)?.id) ??
    nonEmptyStr(body.previous_response_id) ??
    nonEmptyStr(rec(body.metadata)?.user_id) ??
    null
  );
}

/** The response's own model and id: from its JSON body, or the first stream events that name them. */
function responseFacts(record: ExchangeRecord): { model: string | null; id: string | null } {
  let model: string | null = null;
  let id: string | null = null;
  const read = (json: unknown): void => {
    if (!isRecord(json)) return;
    // Responses API events wrap the response; Anthropic's message_start wraps the message.
    const inner = rec(json.response) ?? rec(json.message) ?? json;
    model ??= nonEmptyStr(inner.model);
    id ??= nonEmptyStr(inner.id);
  };
  const body = record.response;
  if (record.chunks.length === 0 && body && body.encoding !== 'base64') read(parseJson(body.body));
  else
    for (const line of streamPayloads(record)) {
      read(parseJson(line));
      if (model && id) break;
    }
  return { model, id };
}

/** The JSON payloads of a stream's first chunks (SSE `data:` lines, or NDJSON lines). */
function* streamPayloads(record: ExchangeRecord): Generator<string> {
  let seen = 0;
  for (const chunk of record.chunks) {
    for (const raw of chunk.data.split('\n')) {
      const line = raw.startsWith('data:') ? raw.slice(5).trim() : raw.trim();
      if (!line.startsWith('{')) continue;
      yield line;
      // The names are in the first events; a long stream is not read to its end for them.
      if (++seen > 20) return;
    }
  }
}

function errorOf(record: ExchangeRecord): { type: string; message: string } | null {
  if (isUpstreamHttpError(record)) {
    const { error } = record;
    return { type: error.type ?? error.code ?? String(error.status), message: error.message };
  }
  const kind = failureKindOf(record);
  if (kind !== null && record.error !== null) return { type: kind, message: record.error.message };
  if (record.streamError)
    return { type: record.streamError.type || 'stream_error', message: record.streamError.message };
  return null;
}

function timePerChunk(record: ExchangeRecord): number | null {
  const first = record.timings.firstTokenMs;
  const total = record.timings.totalMs;
  const output = record.chunks.filter((chunk) => chunk.t >= (first ?? 0)).length;
  if (first === null || total === null || output < 2) return null;
  return (total - first) / 1000 / (output - 1);
}

/** About how much memory a span holds, in characters: its attribute text (message content makes it large), plus a little for the rest. */
export function spanSize(span: { readonly attributes: Readonly<Record<string, unknown>> }): number {
  let chars = 256;
  for (const value of Object.values(span.attributes)) chars += typeof value === 'string' ? value.length : 16;
  return chars;
}
