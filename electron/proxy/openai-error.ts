/** An OpenAI-shaped error body, so SDKs surface the proxy's own failures like any API error. */
export function openAiErrorBody(message: string, type: string, code: string): string {
  return JSON.stringify({ error: { message, type, code, param: null } });
}
