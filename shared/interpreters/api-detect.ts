import { isRecord, parseJson, str } from '../wire/json-fields.ts';
import { jsonPrefixFields } from '../wire/json-prefix-fields.ts';
import type { ApiKind } from './api-kind.ts';
import { geminiCall } from './gemini-path.ts';

type Endpoint = 'chat' | 'responses' | 'embeddings' | 'completions' | 'transcriptions';

const AZURE_DEPLOYMENT = /^\/openai\/deployments\/([^/]+)\/(.+)$/;
const AZURE_V1 = /^\/openai\/v1\/(.+)$/;

/** Decides the wire protocol of a request from its method and path (the query string is ignored). */
export function detectApi(method: string, path: string): ApiKind {
  // Every LLM call is a POST; GETs on the same paths list or fetch stored objects.
  if (method.toUpperCase() !== 'POST') return 'http';
  const p = pathOnly(path);
  const azure =
    AZURE_DEPLOYMENT.exec(p)?.[2] ??
    AZURE_V1.exec(p)?.[1] ??
    (p === '/openai/responses' ? 'responses' : null);
  if (azure !== null) {
    const endpoint = endpointOf(`/${azure}`);
    return endpoint === null ? 'http' : `azure.${endpoint}`;
  }
  const endpoint = endpointOf(p);
  if (endpoint !== null) return `openai.${endpoint}`;
  if (p.endsWith('/v1/messages')) return 'anthropic.messages';
  const gemini = geminiCall(p);
  if (gemini !== null) return gemini.method === 'countTokens' ? 'gemini.count-tokens' : 'gemini.generate';
  if (p.endsWith('/api/chat')) return 'ollama.chat';
  if (p.endsWith('/api/generate')) return 'ollama.generate';
  if (p.endsWith('/api/embed')) return 'ollama.embed';
  return 'http';
}

/** The Azure deployment named in a `/openai/deployments/{d}/…` path, or null. */
export function azureDeployment(path: string): string | null {
  const raw = AZURE_DEPLOYMENT.exec(pathOnly(path))?.[1];
  if (raw === undefined) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** What a request body says about the call, tolerant of bodies that are not JSON. */
export interface RequestMeta {
  model: string | null;
  stream: boolean;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

/** Reads the model and stream flag from a request body. */
export function readRequestMeta(api: ApiKind, body: string): RequestMeta {
  return requestMetaOf(api, parseJson(body), body);
}

/** `readRequestMeta` of a body already parsed (`json`: undefined when it is not JSON). */
export function requestMetaOf(api: ApiKind, json: unknown, body: string): RequestMeta {
  if (!isRecord(json)) {
    // Transcriptions upload the audio as multipart/form-data, with the model and stream flag as fields.
    if (api.endsWith('.transcriptions')) {
      const model = api.startsWith('azure.') ? null : formField(body, 'model');
      return { model, stream: formField(body, 'stream') === 'true', json };
    }
    return { model: null, stream: false, json };
  }
  return { ...metaOf(api, str(json.model), json.stream), json };
}

const PREFIX_FIELDS: ReadonlySet<string> = new Set(['model', 'stream']);

/**
 * The model and stream flag from the start of a request body cut by the capture cap (a
 * tolerant scan of the top-level fields, no parse). `stream` is null when the part kept does
 * not say: the flag may come after megabytes of messages.
 */
export function readRequestPrefixMeta(
  api: ApiKind,
  prefix: string,
): { model: string | null; stream: boolean | null } {
  const fields = jsonPrefixFields(prefix, PREFIX_FIELDS);
  const stream = fields.booleans.get('stream');
  const meta = metaOf(api, fields.strings.get('model') ?? null, stream);
  return { model: meta.model, stream: stream === undefined && !streamsUnlessTold(api) ? null : meta.stream };
}

function metaOf(
  api: ApiKind,
  model: string | null,
  stream: unknown,
): { model: string | null; stream: boolean } {
  return {
    // Azure routes by deployment name, so a body `model` (if any) is not the model that answers.
    model: api.startsWith('azure.') || model === '' ? null : model,
    stream: streamsUnlessTold(api) ? stream !== false : stream === true,
  };
}

/** Ollama's native chat and generate stream unless told not to; everyone else only when asked. */
function streamsUnlessTold(api: ApiKind): boolean {
  return api === 'ollama.chat' || api === 'ollama.generate';
}

/** A small text field of a multipart/form-data body (`model`, `stream`), or null; the file parts are not parsed. */
function formField(body: string, name: string): string | null {
  // `; name=`, so that a file part's `filename="model"` is not taken for the field.
  const at = body.search(new RegExp(`;\\s*name="${name}"`));
  if (at === -1) return null;
  // The part's headers end at its first blank line; its value is the line after.
  const blank = /\r?\n\r?\n/g;
  blank.lastIndex = at;
  const gap = blank.exec(body);
  if (gap === null) return null;
  const from = gap.index + gap[0].length;
  const end = body.slice(from, from + 512).search(/\r?\n/);
  const value = body.slice(from, end === -1 ? from + 512 : from + end).trim();
  return value === '' ? null : value;
}

function pathOnly(path: string): string {
  // A request to a forward proxy carries an absolute URL; only its path matters here.
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path)?.[0].length ?? 0;
  const rest = path.slice(origin);
  const end = rest.search(/[?#]/);
  const p = end === -1 ? rest : rest.slice(0, end);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function endpointOf(p: string): Endpoint | null {
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/responses')) return 'responses';
  if (p.endsWith('/embeddings')) return 'embeddings';
  // The legacy text completions API (gpt-3.5-turbo-instruct, vLLM, llama.cpp): after chat, which ends the same way.
  if (p.endsWith('/completions')) return 'completions';
  if (p.endsWith('/audio/transcriptions')) return 'transcriptions';
  return null;
}
