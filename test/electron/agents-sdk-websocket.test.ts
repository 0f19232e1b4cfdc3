/**
 * The OpenAI Agents SDK with `useResponsesWebSocket` through the real proxy to a real WebSocket
 * upstream. `@openai/agents` is not a dependency yet (it cannot be added to the shared install
 * these worktrees use); until it is (`npm install -D @openai/agents@0.20`), this file skips.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RawData } from 'ws';
import { type Harness, startHarness } from '../support/tokentap-harness.ts';
import { startWebSocketUpstream, type WebSocketUpstream } from '../support/websocket-upstream.ts';

const AGENTS = '@openai/agents';
/** The parts of `@openai/agents` used here (typed locally: the package is not installed everywhere). */
interface AgentsModule {
  OpenAIProvider: new (options: {
    apiKey: string;
    baseURL: string;
    useResponses: boolean;
    useResponsesWebSocket: boolean;
  }) => { close(): Promise<void> };
  setDefaultModelProvider(provider: unknown): void;
  setTracingDisabled(disabled: boolean): void;
  Agent: new (options: { name: string; instructions: string; model: string }) => object;
  run(agent: object, input: string): Promise<{ finalOutput: unknown }>;
}
const agents = (await import(/* @vite-ignore */ AGENTS).catch(() => null)) as AgentsModule | null;

let harness: Harness | undefined;
let upstream: WebSocketUpstream | undefined;

afterEach(async () => {
  await harness?.close();
  await upstream?.close();
});

const USAGE = {
  input_tokens: 12,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 3,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 15,
};

describe.skipIf(agents === null)('the Agents SDK over the Responses WebSocket', () => {
  it('runs an agent through Tokentap, which captures the session merged and priced', async () => {
    const sdk = agents as AgentsModule;
    const received: string[] = [];
    upstream = await startWebSocketUpstream((ws) => {
      ws.on('message', (data: RawData) => {
        const event = JSON.parse(String(data)) as { type: string };
        received.push(event.type);
        if (event.type !== 'response.create') return;
        const response = {
          id: 'resp_1',
          object: 'response',
          created_at: 1,
          status: 'in_progress',
          model: 'gpt-4.1-mini',
          output: [],
        };
        const item = {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'Hello there.', annotations: [] }],
        };
        const events = [
          { type: 'response.created', response },
          {
            type: 'response.output_item.added',
            output_index: 0,
            item: { ...item, status: 'in_progress', content: [] },
          },
          {
            type: 'response.output_text.delta',
            item_id: 'msg_1',
            output_index: 0,
            content_index: 0,
            delta: 'Hello ',
          },
          {
            type: 'response.output_text.delta',
            item_id: 'msg_1',
            output_index: 0,
            content_index: 0,
            delta: 'there.',
          },
          { type: 'response.output_item.done', output_index: 0, item },
          {
            type: 'response.completed',
            response: { ...response, status: 'completed', output: [item], usage: USAGE },
          },
        ];
        for (const [i, one] of events.entries()) ws.send(JSON.stringify({ ...one, sequence_number: i }));
      });
    });
    harness = await startHarness({ upstreamUrl: upstream.url });
    const provider = new sdk.OpenAIProvider({
      apiKey: 'sk-test-agents-0123456789abcdefWXYZ',
      baseURL: `${harness.proxyUrl}/v1`,
      useResponses: true,
      useResponsesWebSocket: true,
    });
    sdk.setDefaultModelProvider(provider);
    sdk.setTracingDisabled(true);
    const agent = new sdk.Agent({ name: 'greeter', instructions: 'Say hello', model: 'gpt-4.1-mini' });
    const result = await sdk.run(agent, 'Hi');
    expect(result.finalOutput).toBe('Hello there.');
    expect(received).toEqual(['response.create']);
    await provider.close();
    const record = await harness.nextRecord();
    expect(record.api).toBe('openai.responses');
    expect(record.model).toBe('gpt-4.1-mini');
    expect(record.state).toBe('complete');
    expect(record.merged?.text).toBe('Hello there.');
    expect(record.usage).toEqual({
      inputTokens: 12,
      outputTokens: 3,
      cachedTokens: 0,
      reasoningTokens: 0,
      totalTokens: 15,
    });
    expect(record.costUsd).not.toBeNull();
    expect(record.websocket?.messages.map((m) => m.from)).toEqual(['client', ...Array(6).fill('server')]);
  });
});
