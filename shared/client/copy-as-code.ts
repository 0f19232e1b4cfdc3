import type { HeaderMap } from '../exchange/capture-events.ts';
import type { ExchangeRecord } from '../exchange/exchange-record.ts';
import type { ApiKind } from '../interpreters/api-kind.ts';
import { REDACTED } from '../security/redact-headers.ts';
import { type KeyVariable, keyVariableOf } from './api-key-variable.ts';

/** The languages an exchange can be copied as. */
export const CODE_TARGETS = ['curl', 'python', 'node'] as const;
export type CodeTarget = (typeof CODE_TARGETS)[number];

/** What of a captured request a snippet needs. Secrets in it are already redacted: there is no key. */
export interface CopyableRequest {
  method: string;
  /** Origin-relative path with query, as captured (secret query values redacted). */
  path: string;
  api: ApiKind;
  headers: HeaderMap;
  body: string;
  /** Set when `body` is base64 of bytes that are not text (an upload, audio). */
  bodyEncoding?: 'base64';
}

// Headers an SDK or HTTP client sets by itself, or that describe the captured connection rather
// than the request (copying them would pin a stale length, a user agent or a retry count).
const CLIENT_MANAGED = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'user-agent',
  'accept',
  'te',
  'upgrade',
  'expect',
]);
const SDK_MANAGED_PREFIXES = ['x-stainless-'];

/** Where a key travelled in the captured request: a header (and how it was written) or the query. */
interface KeySlot {
  variable: KeyVariable;
  header: string | null;
  bearer: boolean;
  queryParam: string | null;
}

function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function keyVariable(request: CopyableRequest): KeyVariable {
  // The headers and path tell the provider of a call captured as plain HTTP.
  if ('anthropic-version' in request.headers) return 'ANTHROPIC_API_KEY';
  if ('x-goog-api-key' in request.headers || /\/v1(beta|alpha)?\/models\/[^/]+:/.test(request.path)) {
    return 'GEMINI_API_KEY';
  }
  return keyVariableOf(request.api);
}

/** Which header or query parameter held the (redacted) key, if any. */
function keySlot(request: CopyableRequest): KeySlot | null {
  const variable = keyVariable(request);
  for (const name of Object.keys(request.headers)) {
    const value = headerValue(request.headers, name);
    if (value === undefined) continue;
    // Captured keys are redacted whole, scheme included; LLM APIs take `Authorization: Bearer`.
    if (name === 'authorization') return { variable, header: name, bearer: true, queryParam: null };
    if (value === REDACTED && name !== 'cookie' && name !== 'proxy-authorization') {
      return { variable, header: name, bearer: false, queryParam: null };
    }
  }
  const query = request.path.indexOf('?');
  if (query !== -1) {
    for (const part of request.path.slice(query + 1).split('&')) {
      const [name, value] = part.split('=');
      if (name && value === encodeURIComponent(REDACTED))
        return { variable, header: null, bearer: false, queryParam: name };
      if (name && value === REDACTED) return { variable, header: null, bearer: false, queryParam: name };
    }
  }
  return null;
}

/** The headers worth copying: not client-managed, not secret (the key is added back from the environment). */
function copiedHeaders(request: CopyableRequest, slot: KeySlot | null): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, raw] of Object.entries(request.headers)) {
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (CLIENT_MANAGED.has(name) || SDK_MANAGED_PREFIXES.some((p) => name.startsWith(p))) continue;
    if (name === slot?.header || value.includes(REDACTED)) continue;
    out.push([name, value]);
  }
  return out;
}

/** The path with the redacted query key replaced by `placeholder` (text in the target language). */
function pathWithKey(path: string, slot: KeySlot | null, placeholder: string): string {
  if (!slot?.queryParam) return path;
  return path
    .replace(`${slot.queryParam}=${encodeURIComponent(REDACTED)}`, `${slot.queryParam}=${placeholder}`)
    .replace(`${slot.queryParam}=${REDACTED}`, `${slot.queryParam}=${placeholder}`);
}

function parsedJsonBody(request: CopyableRequest): Record<string, unknown> | null {
  if (request.bodyEncoding === 'base64' || request.body === '') return null;
  try {
    const json = JSON.parse(request.body) as unknown;
    return json !== null && typeof json === 'object' && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The SDK call a request maps onto: the SDK's base URL path and its method, or null (plain HTTP). */
interface SdkCall {
  sdk: 'openai' | 'anthropic';
  /** Path prefix of the SDK's base URL (e.g. `/v1`, `/openai/v1` behind a route; `` for Anthropic). */
  basePath: string;
  /** The method chain after `client.` (`chat.completions.create`). */
  method: string;
  body: Record<string, unknown>;
}

const OPENAI_RESOURCES: Record<string, string> = {
  '/chat/completions': 'chat.completions.create',
  '/responses': 'responses.create',
  '/embeddings': 'embeddings.create',
  '/completions': 'completions.create',
};

function sdkCall(request: CopyableRequest): SdkCall | null {
  if (request.method !== 'POST' || request.path.includes('?')) return null;
  const body = parsedJsonBody(request);
  if (!body) return null;
  if (request.api === 'anthropic.messages') {
    const at = request.path.lastIndexOf('/v1/messages');
    if (at === -1 || at + '/v1/messages'.length !== request.path.length) return null;
    return { sdk: 'anthropic', basePath: request.path.slice(0, at), method: 'messages.create', body };
  }
  if (request.api.startsWith('openai.')) {
    const v1 = request.path.lastIndexOf('/v1/');
    if (v1 === -1) return null;
    const method = OPENAI_RESOURCES[request.path.slice(v1 + 3)];
    if (!method) return null;
    return { sdk: 'openai', basePath: request.path.slice(0, v1 + 3), method, body };
  }
  return null;
}

// ---- curl ----

/** A POSIX shell single-quoted word. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function curl(request: CopyableRequest, baseUrl: string, slot: KeySlot | null): string {
  const keyRef = slot ? `$${slot.variable}` : '';
  const url = `${baseUrl}${pathWithKey(request.path, slot, '__KEY__')}`;
  // The URL goes in double quotes only when the key has to be expanded inside it.
  const urlWord = slot?.queryParam
    ? `"${url.replace(/["$`\\]/g, '\\$&').replace('__KEY__', keyRef)}"`
    : shellQuote(url);
  const lines = [`curl ${wantsStream(request) ? '-N ' : ''}-X ${request.method} ${urlWord}`];
  for (const [name, value] of copiedHeaders(request, slot))
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (slot?.header) {
    lines.push(slot.bearer ? `-H "${slot.header}: Bearer ${keyRef}"` : `-H "${slot.header}: ${keyRef}"`);
  }
  if (request.bodyEncoding === 'base64') {
    lines.push('--data-binary @request-body.bin');
  } else if (request.body !== '') {
    lines.push(`--data-raw ${shellQuote(request.body)}`);
  }
  const command = lines.join(' \\\n  ');
  return request.bodyEncoding === 'base64'
    ? `# The request body is binary: save it as request-body.bin first (Request tab → Download).\n${command}`
    : command;
}

function wantsStream(request: CopyableRequest): boolean {
  return parsedJsonBody(request)?.stream === true;
}

// ---- Python ----

/** A JSON value as a Python literal (True/False/None, double-quoted strings with JSON escapes). */
function pythonLiteral(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${pythonLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, inner)},`).join('\n')}\n${indent}}`;
}

const PYTHON_KEYWORDS = new Set([
  'from',
  'in',
  'is',
  'not',
  'and',
  'or',
  'class',
  'def',
  'global',
  'lambda',
  'pass',
]);

function pythonSdk(call: SdkCall, request: CopyableRequest, baseUrl: string, slot: KeySlot | null): string {
  const headers = copiedHeaders(request, slot);
  const kwargs: string[] = [];
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call.body)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !PYTHON_KEYWORDS.has(key)) {
      kwargs.push(`    ${key}=${pythonLiteral(value, '    ')},`);
    } else extra[key] = value;
  }
  if (Object.keys(extra).length > 0) kwargs.push(`    extra_body=${pythonLiteral(extra, '    ')},`);
  if (headers.length > 0)
    kwargs.push(`    extra_headers=${pythonLiteral(Object.fromEntries(headers), '    ')},`);
  const module = call.sdk === 'openai' ? 'openai' : 'anthropic';
  const clientClass = call.sdk === 'openai' ? 'OpenAI' : 'Anthropic';
  const variable = call.sdk === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
  const out = wantsStream(request)
    ? 'for event in response:\n    print(event.model_dump_json())'
    : 'print(response.model_dump_json(indent=2))';
  return [
    `from ${module} import ${clientClass}`,
    '',
    `# The key comes from ${variable}, which the SDK reads.`,
    `client = ${clientClass}(base_url=${JSON.stringify(`${baseUrl}${call.basePath}`)})`,
    `response = client.${call.method}(`,
    ...kwargs,
    ')',
    out,
  ].join('\n');
}

function pythonHttpx(request: CopyableRequest, baseUrl: string, slot: KeySlot | null): string {
  const headers: string[] = copiedHeaders(request, slot).map(
    ([name, value]) => `    ${JSON.stringify(name)}: ${JSON.stringify(value)},`,
  );
  if (slot?.header) {
    const value = slot.bearer
      ? `f"Bearer {os.environ['${slot.variable}']}"`
      : `os.environ["${slot.variable}"]`;
    headers.push(`    ${JSON.stringify(slot.header)}: ${value},`);
  }
  const path = pathWithKey(request.path, slot, '__KEY__');
  const url = slot?.queryParam
    ? `f${JSON.stringify(`${baseUrl}${path.replaceAll('{', '{{').replaceAll('}', '}}')}`).replace('__KEY__', `{quote(os.environ['${slot.variable}'])}`)}`
    : JSON.stringify(`${baseUrl}${path}`);
  const body =
    request.bodyEncoding === 'base64'
      ? '    content=open("request-body.bin", "rb").read(),  # the binary body: Request tab → Download'
      : request.body !== ''
        ? `    content=${JSON.stringify(request.body)},`
        : null;
  const args = [
    `    ${JSON.stringify(request.method)},`,
    `    ${url},`,
    `    headers={\n${headers.map((h) => `    ${h}`).join('\n')}\n    },`,
    ...(body ? [body] : []),
    '    timeout=600,',
  ];
  const imports = [
    ...(slot ? ['import os'] : []),
    ...(slot?.queryParam ? ['from urllib.parse import quote'] : []),
    ...(slot ? [''] : []),
    'import httpx',
    '',
  ];
  return wantsStream(request)
    ? [
        ...imports,
        'with httpx.stream(',
        ...args,
        ') as response:',
        '    print(response.status_code)',
        '    for text in response.iter_text():',
        '        print(text, end="", flush=True)',
      ].join('\n')
    : [
        ...imports,
        'response = httpx.request(',
        ...args,
        ')',
        'print(response.status_code)',
        'print(response.text)',
      ].join('\n');
}

// ---- Node ----

/** A JSON value as a JavaScript literal, two-space indented, keys unquoted where they can be. */
function jsLiteral(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${jsLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));
  return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${jsLiteral(v, inner)},`).join('\n')}\n${indent}}`;
}

function nodeSdk(call: SdkCall, request: CopyableRequest, baseUrl: string, slot: KeySlot | null): string {
  const headers = copiedHeaders(request, slot);
  const options = headers.length > 0 ? `, { headers: ${jsLiteral(Object.fromEntries(headers), '')} }` : '';
  const importLine =
    call.sdk === 'openai' ? "import OpenAI from 'openai';" : "import Anthropic from '@anthropic-ai/sdk';";
  const clientClass = call.sdk === 'openai' ? 'OpenAI' : 'Anthropic';
  const variable = call.sdk === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
  const out = wantsStream(request)
    ? 'for await (const event of response) console.log(JSON.stringify(event));'
    : 'console.log(JSON.stringify(response, null, 2));';
  return [
    importLine,
    '',
    `// The key comes from ${variable}, which the SDK reads.`,
    `const client = new ${clientClass}({ baseURL: ${JSON.stringify(`${baseUrl}${call.basePath}`)} });`,
    `const response = await client.${call.method}(${jsLiteral(call.body, '')}${options});`,
    out,
  ].join('\n');
}

function nodeFetch(request: CopyableRequest, baseUrl: string, slot: KeySlot | null): string {
  const headers = copiedHeaders(request, slot).map(
    ([n, v]) => `    ${JSON.stringify(n)}: ${JSON.stringify(v)},`,
  );
  if (slot?.header) {
    const value = slot.bearer
      ? `\`Bearer \${process.env.${slot.variable}}\``
      : `process.env.${slot.variable}`;
    headers.push(`    ${JSON.stringify(slot.header)}: ${value},`);
  }
  const path = pathWithKey(request.path, slot, '__KEY__');
  const url = slot?.queryParam
    ? `\`${`${baseUrl}${path}`.replace(/[`\\$]/g, '\\$&').replace('__KEY__', `\${encodeURIComponent(process.env.${slot.variable} ?? '')}`)}\``
    : JSON.stringify(`${baseUrl}${path}`);
  const json = parsedJsonBody(request);
  const body =
    request.bodyEncoding === 'base64'
      ? "  body: readFileSync('request-body.bin'), // the binary body: Request tab → Download"
      : json
        ? `  body: JSON.stringify(${jsLiteral(json, '  ')}),`
        : request.body !== ''
          ? `  body: ${JSON.stringify(request.body)},`
          : null;
  return [
    ...(request.bodyEncoding === 'base64' ? ["import { readFileSync } from 'node:fs';", ''] : []),
    `const response = await fetch(${url}, {`,
    `  method: ${JSON.stringify(request.method)},`,
    `  headers: {\n${headers.join('\n')}\n  },`,
    ...(body ? [body] : []),
    '});',
    'console.log(response.status);',
    wantsStream(request)
      ? 'for await (const text of response.body.pipeThrough(new TextDecoderStream())) process.stdout.write(text);'
      : 'console.log(await response.text());',
  ].join('\n');
}

/**
 * The request as code to run again: cURL, Python (the `openai`/`anthropic` SDK where the API is
 * known, else httpx) or Node (the matching SDK, else fetch), sent to `baseUrl` (Tokentap's proxy or
 * the real provider). The key is read from the environment variable the SDK reads; the captured
 * request holds none.
 */
export function copyAsCode(request: CopyableRequest, target: CodeTarget, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const slot = keySlot(request);
  if (target === 'curl') return curl(request, base, slot);
  // An SDK call only where the key travelled the way that SDK sends it (or there was none).
  const call = sdkCall(request);
  const sdkSlotFits = !slot || (slot.header !== null && (slot.bearer || slot.header === 'x-api-key'));
  if (target === 'python') {
    return call && sdkSlotFits ? pythonSdk(call, request, base, slot) : pythonHttpx(request, base, slot);
  }
  return call && sdkSlotFits ? nodeSdk(call, request, base, slot) : nodeFetch(request, base, slot);
}

/** The parts of a captured exchange a snippet is made from. */
export function copyableOf(record: ExchangeRecord): CopyableRequest {
  return {
    method: record.method,
    path: record.path,
    api: record.api,
    headers: record.request.headers,
    body: record.request.body,
  };
}
