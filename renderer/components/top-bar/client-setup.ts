import type { RouteInfo } from '../../../shared/contract/inspector-contract.ts';

/** The base URL a client uses for one route: the proxy plus `/<route>`, plus `/v1` where the SDK expects it. */
export function routeBaseUrl(proxyOrigin: string, route: string | null): string {
  if (route === null) return `${proxyOrigin}/v1`;
  return route === 'openai' ? `${proxyOrigin}/openai/v1` : `${proxyOrigin}/${route}`;
}

/** One copyable line that points a client at Tokentap. */
export interface SetupLine {
  /** The clients that read it. */
  clients: string;
  line: string;
}

/**
 * The set-up lines for the clients people use, for the routes there are: Claude Code and the
 * Anthropic SDK read `ANTHROPIC_BASE_URL`, Codex CLI and the OpenAI SDKs `OPENAI_BASE_URL`, Gemini
 * CLI and the Google GenAI SDK `GOOGLE_GEMINI_BASE_URL`, Ollama's CLI and clients `OLLAMA_HOST`.
 */
export function clientSetupLines(proxyOrigin: string, routes: readonly RouteInfo[]): SetupLine[] {
  const has = new Set(routes.map((r) => r.name));
  const lines: SetupLine[] = [];
  if (has.has('anthropic'))
    lines.push({
      clients: 'Claude Code, Anthropic SDK',
      line: `ANTHROPIC_BASE_URL=${routeBaseUrl(proxyOrigin, 'anthropic')}`,
    });
  if (has.has('openai'))
    lines.push({
      clients: 'Codex CLI, OpenAI SDKs',
      line: `OPENAI_BASE_URL=${routeBaseUrl(proxyOrigin, 'openai')}`,
    });
  if (has.has('gemini'))
    lines.push({
      clients: 'Gemini CLI, Google GenAI SDK',
      line: `GOOGLE_GEMINI_BASE_URL=${routeBaseUrl(proxyOrigin, 'gemini')}`,
    });
  if (has.has('ollama'))
    lines.push({ clients: 'Ollama', line: `OLLAMA_HOST=${routeBaseUrl(proxyOrigin, 'ollama')}` });
  const curlRoute = has.has('openai') ? routeBaseUrl(proxyOrigin, 'openai') : routeBaseUrl(proxyOrigin, null);
  lines.push({
    clients: 'curl',
    line: `curl ${curlRoute}/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY" -H "Content-Type: application/json" -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}'`,
  });
  return lines;
}
