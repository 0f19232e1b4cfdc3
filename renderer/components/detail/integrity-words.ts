import type { ExchangeRecord, IntegrityFlag } from '../../../shared/exchange-record.ts';

function terminatorName(api: ExchangeRecord['api']): string {
  switch (api) {
    case 'openai.responses':
    case 'azure.responses':
      return 'response.completed';
    case 'anthropic.messages':
      return 'message_stop';
    case 'gemini.generate':
      return 'a finishReason';
    case 'ollama.chat':
    case 'ollama.generate':
      return '"done": true';
    case 'openai.transcriptions':
    case 'azure.transcriptions':
      return 'transcript.text.done';
    default:
      return '[DONE]';
  }
}

/** An integrity flag in plain words, for the Overview tab. */
export function integrityWords(flag: IntegrityFlag, record: ExchangeRecord): string {
  switch (flag) {
    case 'missing-terminator':
      return `stream ended without ${terminatorName(record.api)}`;
    case 'usage-missing':
      return 'usage missing: the response reported no token counts';
    case 'error-event':
      return record.streamError
        ? `the stream reported an error: ${record.streamError.message}`
        : 'the stream reported an error';
    case 'client-closed':
      return 'client closed the connection before the response ended';
    case 'upstream-failed':
      return record.error ? `upstream failed: ${record.error.message}` : 'upstream failed';
    case 'analysis-dropped':
      return 'some chunks were not analysed (capture queue full; traffic was not affected)';
  }
}
