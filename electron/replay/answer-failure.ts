import type { ServerResponse } from 'node:http';
import { errorMessage } from '../../shared/error-message.ts';
import { openAiErrorBody } from '../proxy/openai-error.ts';
import type { ProxyAnswer, ResponseTap } from '../proxy/proxy-responder.ts';

/** Told about every answer that failed, in words (a log line). */
export type AnswerFailureLog = (message: string) => void;

const defaultLog: AnswerFailureLog = (message) => console.warn(`[tokentap] ${message}`);

/**
 * Ends a replayed answer that failed midway (a recording Node refuses to write: a bad header, a
 * status of 42 …) cleanly for this one client: a 500 with an OpenAI-shaped error when nothing
 * was sent yet, else a cut connection; the exchange records the failure, the log says why, and
 * the process goes on serving everyone else.
 */
export function failAnswer(
  res: ServerResponse,
  tap: ResponseTap,
  recordingId: string | null,
  error: unknown,
  log: AnswerFailureLog = defaultLog,
): void {
  const reason = errorMessage(error);
  const message = `Tokentap replay could not answer${recordingId === null ? '' : ` from recording ${recordingId}`}: ${reason}`;
  log(message);
  try {
    if (!res.headersSent && !res.destroyed) {
      const body = openAiErrorBody(message, 'proxy_error', 'replay_failed');
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else {
      res.destroy();
    }
  } catch {
    res.destroy();
  }
  tap.error('proxy-error', message);
}

/** The answer, with any failure while sending it (thrown or rejected) ended by `failAnswer`. */
export function guardedAnswer(
  answer: ProxyAnswer,
  recordingId: string | null,
  log: AnswerFailureLog | undefined,
): ProxyAnswer {
  return {
    send(res, tap) {
      try {
        const sent: unknown = answer.send(res, tap);
        if (sent instanceof Promise)
          sent.catch((error: unknown) => failAnswer(res, tap, recordingId, error, log));
      } catch (error) {
        failAnswer(res, tap, recordingId, error, log);
      }
    },
  };
}
