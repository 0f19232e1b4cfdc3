import { UPSTREAM_HTTP_ERROR, type UpstreamHttpError } from '../exchange/exchange-lifecycle.ts';
import {
  arr,
  isRecord,
  type JsonRecord,
  nonEmptyStr,
  num,
  parseJson,
  rec,
  str,
} from '../wire/json-fields.ts';

/** Longer messages are cut: an error body can be a whole HTML page or a stack trace. */
const MESSAGE_LIMIT = 1000;

/** True for a status the upstream answers a failed request with. */
export function isHttpErrorStatus(status: number | null): status is number {
  return status !== null && status >= 400;
}

/**
 * The error an upstream's HTTP error response states, read from its body: the OpenAI shape
 * (`{"error":{"message","type","code","param"}}`, also Azure, Groq, DeepSeek, vLLM), Anthropic's
 * (`{"type":"error","error":{"type","message"}}`), Gemini's (`{"error":{"code","message","status","details"}}`,
 * also as a one-element array from streamGenerateContent), Ollama's (`{"error":"…"}`), a bare
 * `{"message"}` or `{"detail"}`, an SSE body carrying one of these, or plain text and HTML.
 */
export function readUpstreamError(status: number, body: string): UpstreamHttpError {
  const json = errorJson(body);
  const found = json === undefined ? null : fromJson(json, status);
  const message = found?.message || textMessage(body) || `HTTP ${status}`;
  return {
    kind: UPSTREAM_HTTP_ERROR,
    status,
    type: found?.type ?? null,
    code: found?.code ?? null,
    message: cut(message),
  };
}

function errorJson(body: string): unknown {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJson(trimmed);
  // An SSE answer (a stream refused after its headers): its first data line holds the error.
  const data = /^data:[ ]?(.*)$/m.exec(trimmed)?.[1];
  return data === undefined ? undefined : parseJson(data);
}

interface Found {
  type: string | null;
  code: string | null;
  message: string;
}

function fromJson(json: unknown, status: number): Found | null {
  const top = Array.isArray(json) ? rec(json[0]) : rec(json);
  if (top === null) return null;
  const error = top.error;
  // Ollama and a few servers: the error is the message itself.
  if (typeof error === 'string') return { type: null, code: null, message: error };
  const inner = rec(error);
  if (inner !== null) {
    return {
      type: nonEmptyStr(inner.type) ?? nonEmptyStr(inner.status),
      code: codeOf(inner, status),
      message: messageOf(inner),
    };
  }
  // Mistral (`{"object":"error","message","type","code"}`), FastAPI (`{"detail"}`) and other flat shapes.
  return {
    type: nonEmptyStr(top.type) === 'error' ? null : nonEmptyStr(top.type),
    code: codeOf(top, status),
    message: messageOf(top),
  };
}

function messageOf(error: JsonRecord): string {
  const message = error.message ?? error.detail;
  if (typeof message === 'string') return message.trim();
  // FastAPI validation errors: `detail` is a list of `{loc, msg, type}`.
  const first = rec(arr(message)[0]);
  return str(first?.msg) ?? (message === undefined || message === null ? '' : JSON.stringify(message));
}

function codeOf(error: JsonRecord, status: number): string | null {
  // Gemini's reason (`API_KEY_INVALID`) says more than its code, which only repeats the HTTP status.
  for (const detail of arr(error.details)) {
    const reason = isRecord(detail) ? nonEmptyStr(detail.reason) : null;
    if (reason !== null) return reason;
  }
  const code = error.code;
  if (typeof code === 'string' && code !== '') return code;
  const n = num(code);
  return n !== null && n !== status ? String(n) : null;
}

/** What a plain-text or HTML body says, in one line: an HTML page's title (else its text), or the text. */
function textMessage(body: string): string {
  const head = body.slice(0, 64 * 1024);
  if (/^\s*</.test(head)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(head)?.[1];
    const text = title ?? head.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
    return oneLine(decodeEntities(text));
  }
  return oneLine(head);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function cut(message: string): string {
  return message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT - 1)}…` : message;
}
