import { describe, expect, it } from 'vitest';
import { geminiErrorOf } from '../../../shared/interpreters/gemini-error.ts';
import { normaliseGeminiUsage } from '../../../shared/interpreters/gemini-usage.ts';
import { createInterpreter } from '../../../shared/interpreters/llm-interpreter.ts';
import { costUsd } from '../../../shared/usage/price.ts';
import { createJsonArrayDecoder } from '../../../shared/wire/json-array-decoder.ts';
import {
  decodeChunks,
  fixtureBytes,
  fixtureJson,
  fixtureText,
  type Replay,
  replay,
  replayEvents,
} from '../fixtures.ts';

function replayArray(name: string): Replay {
  return replayEvents('gemini.generate', decodeChunks(createJsonArrayDecoder(), [fixtureBytes(name)]));
}

function readBody(name: string) {
  const interpreter = createInterpreter('gemini.generate');
  if (interpreter === null) throw new Error('no Gemini interpreter');
  interpreter.readBody(fixtureJson(name));
  return interpreter.snapshot();
}

describe('createGeminiInterpreter on recorded streams', () => {
  it('merges text, takes the last usage snapshot (never a sum) and the exact model', () => {
    const run = replay('gemini.generate', 'gemini-stream-generate-content-sse-text.sse');
    expect(run.result).toEqual({
      model: 'gemini-2.0-flash-exp',
      merged: {
        text: 'The capital of France is Paris.\n',
        refusal: null,
        reasoning: null,
        toolCalls: [],
        finishReason: 'STOP',
      },
      // promptTokenCount is 15 on the early chunks and 13 on the last: the last stands.
      usage: { inputTokens: 13, outputTokens: 8, cachedTokens: null, reasoningTokens: null, totalTokens: 21 },
      terminated: true,
      streamError: null,
    });
    expect(run.outputEvents).toEqual([0, 1, 2]);
  });

  it('reads a whole functionCall as a tool call with its args as JSON', () => {
    const run = replay('gemini.generate', 'gemini-stream-generate-content-sse-function-call.sse');
    expect(run.result.merged.toolCalls).toEqual([
      { id: null, name: 'get_capital', arguments: '{"country":"France"}' },
    ]);
    expect(run.result.merged.text).toBe('');
    expect(run.result.usage).toEqual({
      inputTokens: 52,
      outputTokens: 5,
      cachedTokens: null,
      reasoningTokens: null,
      totalTokens: 57,
    });
    expect(run.outputEvents).toEqual([0]);
  });

  it('counts thoughts as output and as reasoning (candidatesTokenCount excludes them)', () => {
    const run = replay(
      'gemini.generate',
      'gemini-stream-generate-content-sse-function-call-thought-signature.sse',
    );
    expect(run.result.model).toBe('gemini-3-pro-preview');
    expect(run.result.merged.toolCalls).toEqual([{ id: null, name: 'get_country', arguments: '{}' }]);
    // totalTokenCount 241 = 29 prompt + 10 candidates + 202 thoughts.
    expect(run.result.usage).toEqual({
      inputTokens: 29,
      outputTokens: 212,
      cachedTokens: null,
      reasoningTokens: 202,
      totalTokens: 241,
    });
    // The final chunk's empty text part is no output.
    expect(run.outputEvents).toEqual([0]);
  });

  it('keeps thought summaries apart from the answer, and the first thought is the first output', () => {
    const run = replay('gemini.generate', 'gemini-stream-generate-content-sse-thought-summaries.trimmed.sse');
    const parts = run.events.map(
      (event) =>
        (
          JSON.parse(event.data) as {
            candidates: [{ content: { parts: [{ text: string; thought?: boolean }] } }];
          }
        ).candidates[0].content.parts[0],
    );
    expect(run.result.merged.reasoning).toBe(
      parts
        .filter((part) => part.thought === true)
        .map((part) => part.text)
        .join(''),
    );
    expect(run.result.merged.reasoning).toMatch(/^\*\*Clarifying User Goals\*\*/);
    expect(run.result.merged.text).toBe(
      parts
        .filter((part) => part.thought !== true)
        .map((part) => part.text)
        .join(''),
    );
    expect(run.result.merged.text).toMatch(/^This is a great question!/);
    expect(run.outputEvents[0]).toBe(0);
    expect(run.result.usage).toEqual({
      inputTokens: 34,
      outputTokens: 469 + 787,
      cachedTokens: null,
      reasoningTokens: 787,
      totalTokens: 1290,
    });
  });

  it('counts the tool-use prompt as input and the implicit cache hit as cached (JSON array framing)', () => {
    const run = replayArray('gemini-stream-generate-content-array-server-mcp-implicit-cache.reframed.json');
    expect(run.events).toHaveLength(12);
    expect(run.result.merged.toolCalls).toEqual([
      {
        id: null,
        name: 'weather_server_get_weather',
        arguments: '{"endDate":"2026-02-02","location":"Boston","startDate":"2026-02-02"}',
      },
    ]);
    expect(run.result.merged.text).toMatch(/^Here's the hourly weather forecast for Boston/);
    expect(run.result.merged.text).toMatch(/\* 23:00: -3\.2°C$/);
    // totalTokenCount 4301 = 1844 prompt + 1934 tool-use prompt + 432 candidates + 91 thoughts.
    expect(run.result.usage).toEqual({
      inputTokens: 1844 + 1934,
      outputTokens: 432 + 91,
      cachedTokens: 901,
      reasoningTokens: 91,
      totalTokens: 4301,
    });
    expect(run.result.merged.finishReason).toBe('STOP');
    expect(run.outputEvents[0]).toBe(0);
  });

  it('reads the same from SSE and from the JSON array of the same events', () => {
    const sse = replay('gemini.generate', 'gemini-stream-generate-content-sse-usage-every-chunk.sse');
    const array = replayArray('gemini-stream-generate-content-array-usage-every-chunk.reframed.json');
    expect(array.result).toEqual(sse.result);
    expect(array.outputEvents).toEqual(sse.outputEvents);
    expect(sse.result.usage).toEqual({
      inputTokens: 18,
      outputTokens: 80 + 35,
      cachedTokens: null,
      reasoningTokens: 35,
      totalTokens: 133,
    });
  });

  it('knows no usage for a stream cut before its finishReason, though every chunk had a snapshot', () => {
    const events = replay(
      'gemini.generate',
      'gemini-stream-generate-content-sse-usage-every-chunk.sse',
    ).events;
    const cut = replayEvents('gemini.generate', events.slice(0, 2));
    expect(cut.result).toMatchObject({ usage: null, terminated: false, merged: { finishReason: null } });
    expect(cut.result.merged.text).toMatch(/^1\n2\n.*\n3$/s);
  });

  it('reports an in-band error after a 200, keeping what came before', () => {
    for (const run of [
      replay('gemini.generate', 'gemini-stream-generate-content-sse-error-500.sse'),
      replayArray('gemini-stream-generate-content-array-error-500.reframed.json'),
    ]) {
      expect(run.result.streamError).toEqual({
        type: 'INTERNAL',
        message: expect.stringMatching(/^An internal error has occurred/),
      });
      expect(run.result.merged.text).toBe('The capital of France');
      expect(run.result.terminated).toBe(false);
      // The snapshots so far had no candidatesTokenCount, though text came: the usage is not known.
      expect(run.result.usage).toBeNull();
    }
  });
});

describe('createGeminiInterpreter on bodies', () => {
  it('reads a generateContent body: text, finish reason, tool-use prompt as input', () => {
    const result = readBody('gemini-generate-content-url-context.json');
    expect(result.model).toBe('gemini-2.5-flash');
    expect(result.merged.text).toBe(
      'Pydantic AI is a Python agent framework designed to make it less painful to build production grade applications with Generative AI.',
    );
    expect(result.merged.finishReason).toBe('STOP');
    // totalTokenCount 2515 = 32 prompt + 2395 tool-use prompt + 41 candidates + 47 thoughts.
    expect(result.usage).toEqual({
      inputTokens: 32 + 2395,
      outputTokens: 41 + 47,
      cachedTokens: null,
      reasoningTokens: 47,
      totalTokens: 2515,
    });
    expect(result.terminated).toBe(true);
  });

  it('does not take an error body (a failed status) for an in-band error', () => {
    const result = readBody('gemini-error-429-resource-exhausted.json');
    expect(result.streamError).toBeNull();
    expect(result.usage).toBeNull();
  });

  it('merges only the first candidate and names a blocked prompt', () => {
    const interpreter = createInterpreter('gemini.generate');
    interpreter?.pushEvent({
      event: null,
      data: JSON.stringify({
        candidates: [
          { index: 1, content: { parts: [{ text: 'second' }] } },
          { index: 0, content: { parts: [{ text: 'first' }, { text: ' and more' }] } },
        ],
      }),
    });
    expect(interpreter?.snapshot().merged.text).toBe('first and more');
    const blocked = createInterpreter('gemini.generate');
    blocked?.readBody({
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
      usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
    });
    expect(blocked?.snapshot()).toMatchObject({
      merged: { finishReason: 'PROHIBITED_CONTENT', text: '' },
      usage: { inputTokens: 7, outputTokens: 0, totalTokens: 7 },
    });
  });

  it('has no interpreter for countTokens: it spends nothing, and costs nothing', () => {
    expect(createInterpreter('gemini.count-tokens')).toBeNull();
    expect(costUsd('gemini.count-tokens', 'gemini-2.5-flash', null)).toBe(0);
  });
});

describe('normaliseGeminiUsage', () => {
  it('is null without a prompt count (Vertex early chunks carry only trafficType)', () => {
    expect(normaliseGeminiUsage({ trafficType: 'ON_DEMAND' })).toBeNull();
    expect(normaliseGeminiUsage(undefined)).toBeNull();
  });

  it('adds the parts when totalTokenCount is missing', () => {
    expect(
      normaliseGeminiUsage({ promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 2 }),
    ).toEqual({
      inputTokens: 10,
      outputTokens: 7,
      cachedTokens: null,
      reasoningTokens: 2,
      totalTokens: 17,
    });
  });
});

describe('cost of Gemini calls, by hand from the genai-prices catalogue', () => {
  // google: gemini-2.5-flash $0.30/M input, $0.03/M cache read, $2.50/M output;
  // gemini-2.0-flash (matches gemini-2.0-flash-exp) $0.10/M input, $0.40/M output;
  // gemini-2.5-pro $1.25/M input, $10/M output up to 200k; gemini-3-pro-preview $2/M, $12/M up to 200k.
  const cost = (model: string, usage: NonNullable<ReturnType<typeof normaliseGeminiUsage>>) =>
    costUsd('gemini.generate', model, usage);
  it.each([
    ['gemini-stream-generate-content-sse-text.sse', 'gemini-2.0-flash-exp', 13 * 0.1e-6 + 8 * 0.4e-6],
    ['gemini-stream-generate-content-sse-function-call.sse', 'gemini-2.0-flash', 52 * 0.1e-6 + 5 * 0.4e-6],
    [
      'gemini-stream-generate-content-sse-function-call-thought-signature.sse',
      'gemini-3-pro-preview',
      29 * 2e-6 + 212 * 12e-6,
    ],
    [
      'gemini-stream-generate-content-sse-thought-summaries.trimmed.sse',
      'gemini-2.5-pro',
      34 * 1.25e-6 + 1256 * 10e-6,
    ],
    [
      'gemini-stream-generate-content-sse-usage-every-chunk.sse',
      'gemini-2.5-flash',
      18 * 0.3e-6 + 115 * 2.5e-6,
    ],
  ])('%s (%s)', (name, model, expected) => {
    const run = replay('gemini.generate', name);
    expect(run.result.model).toBe(model);
    expect(cost(model, run.result.usage as NonNullable<typeof run.result.usage>)).toBeCloseTo(expected, 12);
  });

  it('prices cache hits at the cache-read rate', () => {
    const run = replayArray('gemini-stream-generate-content-array-server-mcp-implicit-cache.reframed.json');
    const usage = run.result.usage as NonNullable<typeof run.result.usage>;
    expect(cost('gemini-2.5-flash', usage)).toBeCloseTo(2877 * 0.3e-6 + 901 * 0.03e-6 + 523 * 2.5e-6, 12);
  });
});

describe('geminiErrorOf', () => {
  it('reads status, reason and message from an error body', () => {
    expect(geminiErrorOf(fixtureJson('gemini-error-429-resource-exhausted.json'))).toEqual({
      type: 'RESOURCE_EXHAUSTED',
      code: '429',
      message: expect.stringMatching(/^You exceeded your current quota/),
    });
    // As the upstream-error extraction calls it: a code that repeats the HTTP status says nothing more.
    expect(geminiErrorOf(fixtureJson('gemini-error-429-resource-exhausted.json'), 429)?.code).toBeNull();
    expect(geminiErrorOf({ error: { code: 500, message: 'm', status: 'INTERNAL' } }, 200)?.code).toBe('500');
    expect(
      geminiErrorOf([
        {
          error: {
            code: 400,
            message: 'API key not valid. Please pass a valid API key.',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
          },
        },
      ]),
    ).toEqual({
      type: 'INVALID_ARGUMENT',
      code: 'API_KEY_INVALID',
      message: 'API key not valid. Please pass a valid API key.',
    });
  });

  it('is null for anything else', () => {
    expect(geminiErrorOf({ candidates: [] })).toBeNull();
    expect(geminiErrorOf({ error: 'text' })).toBeNull();
    expect(geminiErrorOf([{ error: {} }, { error: {} }])).toBeNull();
    expect(geminiErrorOf(fixtureText('gemini-error-429-resource-exhausted.json'))).toBeNull();
  });
});
