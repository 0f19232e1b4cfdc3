/**
 * Cheap, made-up OpenAI-shaped responses for the benchmark and load tests, where the recorded
 * fixtures are too few or too short. Shapes follow the recordings in test/fixtures/streams.
 */
import type { PlainScript, ScriptedChunk, StreamScript } from './fake-upstream.ts';

/** A small non-streaming chat completion body, built once and reused (no per-request cost). */
export const smallChatCompletion: Buffer = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1754688929,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Mexico City.', refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 14, completion_tokens: 3, total_tokens: 17 },
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  }),
);

/**
 * A non-streaming gpt-4o chat completion answering `content` (the `n`-th answer: its id), as a
 * fake upstream's plain JSON script; `promptTokens` is what it reports as the input.
 */
export function chatCompletionScript(n: number, content: string, promptTokens = 9): PlainScript {
  return {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `chatcmpl-${n}`,
      object: 'chat.completion',
      created: 1_780_000_000,
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: 2, total_tokens: promptTokens + 2 },
    }),
  };
}

/** The zero-latency answer: a fixed small JSON body, written in one go. */
export function fastJsonScript(body: Buffer = smallChatCompletion): PlainScript {
  return { status: 200, headers: { 'content-type': 'application/json' }, body };
}

export interface SyntheticStreamOptions {
  /** Content chunks before the finish, usage and [DONE] events. */
  chunkCount: number;
  /** Gap between events; the first event goes out after `firstDelayMs`. */
  intervalMs: number;
  firstDelayMs?: number;
  model?: string;
  /** Text of each content delta; default one short word. */
  token?: string;
}

/** An OpenAI chat completions stream with include_usage: N content chunks, finish, usage, [DONE]. */
export function syntheticChatStream(opts: SyntheticStreamOptions): ScriptedChunk[] {
  const model = opts.model ?? 'gpt-4o-mini-2024-07-18';
  const token = opts.token ?? ' tok';
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1754688929, model };
  const event = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
  const chunk = (delta: object, finishReason: string | null): string =>
    event({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      usage: null,
    });
  const events = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  for (let i = 0; i < opts.chunkCount; i++) events.push(chunk({ content: token }, null));
  events.push(chunk({}, 'stop'));
  events.push(
    event({
      ...base,
      choices: [],
      usage: { prompt_tokens: 14, completion_tokens: opts.chunkCount, total_tokens: 14 + opts.chunkCount },
    }),
  );
  events.push('data: [DONE]\n\n');
  return events.map((data, i) => ({ data, delayMs: i === 0 ? (opts.firstDelayMs ?? 0) : opts.intervalMs }));
}

/** The synthetic stream as a ready-to-serve script. */
export function syntheticStreamScript(opts: SyntheticStreamOptions): StreamScript {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    chunks: syntheticChatStream(opts),
  };
}
