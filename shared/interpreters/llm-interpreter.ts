import { normaliseOllamaUsage } from '../usage/usage-normalise.ts';
import { createAnthropicInterpreter } from './anthropic-interpreter.ts';
import type { ApiKind } from './api-kind.ts';
import { createChatInterpreter } from './chat-interpreter.ts';
import { createCompletionsInterpreter } from './completions-interpreter.ts';
import { createEmbeddingsInterpreter } from './embeddings-interpreter.ts';
import { createGeminiInterpreter } from './gemini-interpreter.ts';
import type { ResponseInterpreter } from './llm-response.ts';
import { createOllamaInterpreter } from './ollama-interpreter.ts';
import { createResponsesInterpreter } from './responses-interpreter.ts';
import { createTranscriptionsInterpreter } from './transcriptions-interpreter.ts';

/** The interpreter for an API kind's responses, or null for plain HTTP. */
export function createInterpreter(api: ApiKind): ResponseInterpreter | null {
  switch (api) {
    case 'openai.chat':
    case 'azure.chat':
      return createChatInterpreter();
    case 'openai.responses':
    case 'azure.responses':
      return createResponsesInterpreter();
    case 'openai.embeddings':
    case 'azure.embeddings':
      return createEmbeddingsInterpreter();
    case 'openai.completions':
    case 'azure.completions':
      return createCompletionsInterpreter();
    case 'openai.transcriptions':
    case 'azure.transcriptions':
      return createTranscriptionsInterpreter();
    case 'anthropic.messages':
      return createAnthropicInterpreter();
    case 'gemini.generate':
      return createGeminiInterpreter();
    case 'gemini.count-tokens':
      // countTokens spends no tokens: its answer is a count, not usage.
      return null;
    case 'ollama.chat':
    case 'ollama.generate':
      return createOllamaInterpreter();
    case 'ollama.embed':
      return createEmbeddingsInterpreter(normaliseOllamaUsage);
    // A WebSocket protocol: its messages are read by the WebSocket analyzer instead.
    case 'openai.realtime':
    case 'azure.realtime':
    case 'http':
      return null;
  }
}
