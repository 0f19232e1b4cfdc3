import type { ServerResponse } from 'node:http';

/** An OpenAI-shaped error body, so SDKs surface the proxy's own failures like any API error. */
export function openAiErrorBody(message: string, type: string, code: string): string {
  return JSON.stringify({ error: { message, type, code, param: null } });
}

/** Answers with an OpenAI-shaped JSON error (and ends the response). */
export function sendOpenAiError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string,
): void {
  const body = openAiErrorBody(message, type, code);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
