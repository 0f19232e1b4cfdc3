/**
 * The load generator's side: one undici Pool per target, the same request code for direct and
 * proxied runs, and timings taken in the handler callbacks (no stream wrappers in between).
 */
import { type Dispatcher, Pool } from 'undici';
import { nowMs } from './clock.ts';

/** What a measured arm talks to: the upstream itself, or a proxy in front of it. */
export interface Target {
  name: string;
  url: string;
  /** Run before / after each of this arm's rounds (e.g. stall the analysis side). */
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}

const HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench-0000000000000000000000000000000000000000',
  'user-agent': 'tokentap-bench',
};

export const CHAT_BODY = Buffer.from(
  JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'What is the capital of Mexico? Answer in two words.' }],
  }),
);

export const STREAM_BODY = Buffer.from(
  JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Count slowly.' }],
    stream: true,
    stream_options: { include_usage: true },
  }),
);

/**
 * An agent's turn: a long conversation re-sent whole (~300 KB: a system prompt, tool results and
 * earlier answers), streamed. Built once; every request sends the same bytes.
 */
export const AGENT_BODY = Buffer.from(
  JSON.stringify({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: 'You are a coding agent. '.repeat(400) },
      ...Array.from({ length: 60 }, (_, i) => ({
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: `Turn ${i}: ${'the file contents and tool output the agent keeps re-sending. '.repeat(75)}`,
      })),
    ],
  }),
);

export function openPool(url: string, connections: number): Pool {
  return new Pool(url, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 120_000,
    keepAliveMaxTimeout: 120_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
    connectTimeout: 10_000,
  });
}

export interface ExchangeResult {
  status: number;
  start: number;
  headersAt: number;
  firstDataAt: number;
  endAt: number;
  bytes: number;
  /** True when the caller aborted it through the controller handed to onData. */
  aborted: boolean;
}

export interface ExchangeHooks {
  /** Every body chunk, with its arrival time (nowMs()), as undici hands it over; `abort` cancels the request. */
  onData?(chunk: Buffer, at: number, abort: () => void): void;
}

/** One POST /v1/chat/completions?<query>; resolves when the response ended or was aborted by us. */
export function exchange(
  dispatcher: Dispatcher,
  query: string,
  body: Buffer,
  hooks: ExchangeHooks = {},
): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const result: ExchangeResult = {
      status: 0,
      start: nowMs(),
      headersAt: Number.NaN,
      firstDataAt: Number.NaN,
      endAt: Number.NaN,
      bytes: 0,
      aborted: false,
    };
    let abortedByUs = false;
    dispatcher.dispatch(
      { method: 'POST', path: `/v1/chat/completions?${query}`, headers: HEADERS, body },
      {
        onRequestStart() {},
        onResponseStart(_controller, statusCode) {
          result.headersAt = nowMs();
          result.status = statusCode;
        },
        onResponseData(controller, chunk) {
          const at = nowMs();
          if (result.bytes === 0) result.firstDataAt = at;
          result.bytes += chunk.length;
          hooks.onData?.(chunk, at, () => {
            abortedByUs = true;
            controller.abort(new Error('bench: client abort'));
          });
        },
        onResponseEnd() {
          result.endAt = nowMs();
          resolve(result);
        },
        onResponseError(_controller, error) {
          result.endAt = nowMs();
          if (abortedByUs) {
            result.aborted = true;
            resolve(result);
          } else reject(error);
        },
      },
    );
  });
}

/**
 * Runs `task` from `concurrency` loops until `count` tasks have started or `durationMs` has
 * passed, whichever comes first; resolves with how many completed.
 */
export async function runLoops(
  concurrency: number,
  limits: { count?: number; durationMs?: number },
  task: () => Promise<void>,
): Promise<{ completed: number; elapsedMs: number }> {
  const count = limits.count ?? Number.POSITIVE_INFINITY;
  const deadline = nowMs() + (limits.durationMs ?? 120_000);
  let started = 0;
  let completed = 0;
  const t0 = nowMs();
  const loop = async (): Promise<void> => {
    while (started < count && nowMs() < deadline) {
      started++;
      await task();
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { completed, elapsedMs: nowMs() - t0 };
}
