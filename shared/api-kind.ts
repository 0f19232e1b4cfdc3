/** The wire protocol an exchange speaks, decided from its path (and, for Azure, its shape). */
export type ApiKind =
  | 'openai.chat'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'anthropic.messages'
  | 'ollama.chat'
  | 'azure.chat'
  | 'azure.responses'
  | 'azure.embeddings'
  | 'http';
