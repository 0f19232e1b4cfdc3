import {
  isAborted,
  isUpstreamHttpError,
  proxyFailureOf,
} from '../../../shared/exchange/exchange-lifecycle.ts';
import type { ExchangeRecord, IntegrityFlag } from '../../../shared/exchange/exchange-record.ts';
import { failureWords } from '../../format.ts';

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
    case 'analysis-dropped':
      return 'some chunks were not analysed (capture queue full; traffic was not affected)';
  }
}

/** How an exchange ended when the client or the upstream ended it, for the Overview tab; null otherwise. */
export function endWords(record: ExchangeRecord): string | null {
  if (isAborted(record)) return 'client closed the connection before the response ended';
  const failure = proxyFailureOf(record);
  if (failure !== null) return `upstream failed: ${failure.message}`;
  return isUpstreamHttpError(record) ? failureWords(record) : null;
}
