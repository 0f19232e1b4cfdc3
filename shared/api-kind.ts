/** Every wire protocol Tokentap tells apart; the one list the type, validation and filters share. */
export const API_KINDS = [
  'openai.chat',
  'openai.responses',
  'openai.embeddings',
  'anthropic.messages',
  'gemini.generate',
  'gemini.count-tokens',
  'ollama.chat',
  'azure.chat',
  'azure.responses',
  'azure.embeddings',
  'http',
] as const;

/** The wire protocol an exchange speaks, decided from its path (and, for Azure, its shape). */
export type ApiKind = (typeof API_KINDS)[number];
