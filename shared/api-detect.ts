import type { ApiKind } from './api-kind.ts';
import { geminiCall } from './gemini-path.ts';
import { isRecord, parseJson, str } from './json-fields.ts';

type Endpoint = 'chat' | 'responses' | 'embeddings';

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
  const json = parseJson(body);
  if (!isRecord(json)) return { model: null, stream: false, json };
  // Azure routes by deployment name, so a body `model` (if any) is not the model that answers.
  const model = api.startsWith('azure.') ? null : str(json.model);
  // Ollama's native API streams unless told not to; everyone else only when asked.
  const stream = api === 'ollama.chat' ? json.stream !== false : json.stream === true;
  return { model: model === '' ? null : model, stream, json };
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
  return null;
}
