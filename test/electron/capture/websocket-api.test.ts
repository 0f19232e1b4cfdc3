import { describe, expect, it } from 'vitest';
import { websocketApiOf } from '../../../electron/capture/analyzers/websocket-analyzer.ts';

describe('websocketApiOf', () => {
  it('tells the Realtime API (OpenAI, Azure) and the Responses API over WebSocket from other sockets', () => {
    expect(websocketApiOf('/v1/realtime?model=gpt-realtime')).toBe('openai.realtime');
    expect(websocketApiOf('/openai/v1/realtime?model=gpt-realtime')).toBe('openai.realtime');
    expect(websocketApiOf('/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime')).toBe(
      'azure.realtime',
    );
    expect(websocketApiOf('/v1/responses')).toBe('openai.responses');
    expect(websocketApiOf('/openai/v1/responses')).toBe('azure.responses');
    expect(websocketApiOf('/stream/ticker')).toBeNull();
  });
});
