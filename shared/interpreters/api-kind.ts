/** Every wire protocol Tokentap tells apart; the one list the type, validation and filters share. */
export const API_KINDS = [
  'openai.chat',
  'openai.responses',
  'openai.embeddings',
  'openai.completions',
  'openai.transcriptions',
  'openai.realtime',
  'anthropic.messages',
  'gemini.generate',
  'gemini.count-tokens',
  'ollama.chat',
  'ollama.generate',
  'ollama.embed',
  'azure.chat',
  'azure.responses',
  'azure.embeddings',
  'azure.completions',
  'azure.transcriptions',
  'azure.realtime',
  'http',
] as const;

/** The wire protocol an exchange speaks, decided from its path (and, for Azure, its shape). */
export type ApiKind = (typeof API_KINDS)[number];
