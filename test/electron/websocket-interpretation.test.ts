import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { costUsd } from '../../shared/usage/price.ts';
import { type Harness, startHarness, TEST_API_KEY } from '../support/tokentap-harness.ts';
import {
  playScript,
  readWebSocketRecording,
  type ScriptedMessage,
  startWebSocketUpstream,
  type WebSocketUpstream,
} from '../support/websocket-upstream.ts';

const wire = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'wire', name);
const REALTIME = readWebSocketRecording(wire('openai-realtime-ws-text-in-audio-out.jsonl'));
const CODEX = readWebSocketRecording(wire('openai-responses-ws-codex-warmup-then-turn.frames.ndjson'));

let harness: Harness | undefined;
let upstream: WebSocketUpstream | undefined;

afterEach(async () => {
  await harness?.close();
  await upstream?.close();
  harness = undefined;
  upstream = undefined;
});

/** Replays a recording through the proxy (upstream and client each play their side), closes with 1000, returns the record. */
async function replay(
  script: ScriptedMessage[],
  path: string,
  options: ConstructorParameters<typeof WebSocket>[2] = {},
) {
  upstream = await startWebSocketUpstream((ws) => void playScript(ws, script, 'server'));
  harness = await startHarness({ upstreamUrl: upstream.url });
  const client = new WebSocket(`${harness.proxyUrl.replace('http:', 'ws:')}${path}`, options);
  const playing = playScript(client, script, 'client');
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  await playing;
  client.close(1000);
  return harness.nextRecord();
}

describe('WebSocket interpretation', () => {
  it('merges a recorded Codex Responses WebSocket session (warm-up, then a turn) like the HTTP Responses stream', async () => {
    const record = await replay(CODEX, '/v1/responses', {
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'openai-beta': 'responses_websockets=2026-02-04' },
    });
    expect(record.api).toBe('openai.responses');
    expect(record.stream).toBe(true);
    expect(record.model).toBe('gpt-5.5');
    expect(record.state).toBe('complete');
    expect(record.websocket?.messages).toHaveLength(CODEX.length);
    expect(record.merged).toEqual({
      text: 'Hi.',
      refusal: null,
      reasoning: null,
      toolCalls: [],
      finishReason: 'completed',
    });
    // The warm-up's usage and the turn's, added up.
    expect(record.usage).toEqual({
      inputTokens: 9507 + 16281,
      outputTokens: 6,
      cachedTokens: 3456,
      reasoningTokens: 0,
      totalTokens: 9507 + 16287,
    });
    expect(record.costUsd).not.toBeNull();
    expect(record.costUsd).toBe(costUsd('openai.responses', 'gpt-5.5', record.usage));
    // First output: the first text delta, after the second response.create.
    const firstDelta = record.websocket?.messages.find((m) =>
      m.data.includes('"response.output_text.delta"'),
    );
    expect(record.timings.firstTokenMs).toBeCloseTo(firstDelta?.t ?? Number.NaN, 2);
    expect(record.integrity).toEqual([]);
  });

  it('merges a recorded Realtime session: model, transcript, usage with audio and cached tokens, priced', async () => {
    const record = await replay(REALTIME, '/v1/realtime?model=gpt-realtime', {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    expect(record.api).toBe('openai.realtime');
    expect(record.model).toBe('gpt-realtime');
    expect(record.merged?.text).toBe('Hi there!');
    expect(record.merged?.finishReason).toBe('completed');
    expect(record.usage).toEqual({
      inputTokens: 16,
      outputTokens: 24,
      cachedTokens: 0,
      reasoningTokens: null,
      totalTokens: 40,
      inputAudioTokens: 0,
      outputAudioTokens: 15,
    });
    // gpt-realtime: $4/M text input, $16/M text output, $64/M audio output.
    expect(record.costUsd).toBeCloseTo(16 * 4e-6 + 9 * 16e-6 + 15 * 64e-6, 12);
    expect(record.integrity).toEqual([]);
  });

  it('keeps unknown WebSocket traffic as messages only', async () => {
    const script: ScriptedMessage[] = [
      { from: 'client', text: 'subscribe ticker' },
      { from: 'server', text: '{"price":1}' },
    ];
    const record = await replay(script, '/stream/ticker');
    expect(record.api).toBe('http');
    expect(record.merged).toBeNull();
    expect(record.usage).toBeNull();
    expect(record.websocket?.messages.map((m) => m.data)).toEqual(['subscribe ticker', '{"price":1}']);
    expect(record.state).toBe('complete');
  });
});
