import type { ApiKind } from '../interpreters/api-kind.ts';

/** The environment variables the providers' SDKs read their key from. */
export type KeyVariable = 'OPENAI_API_KEY' | 'ANTHROPIC_API_KEY' | 'AZURE_OPENAI_API_KEY' | 'GEMINI_API_KEY';

/** The variable the SDK for this API reads its key from (resend, copy as code and the dialogs agree). */
export function keyVariableOf(api: ApiKind): KeyVariable {
  if (api === 'anthropic.messages') return 'ANTHROPIC_API_KEY';
  if (api.startsWith('azure.')) return 'AZURE_OPENAI_API_KEY';
  if (api.startsWith('gemini.')) return 'GEMINI_API_KEY';
  return 'OPENAI_API_KEY';
}
