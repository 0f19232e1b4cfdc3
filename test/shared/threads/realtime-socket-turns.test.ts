/**
 * Realtime API turns the server starts: with server voice activity detection the client only
 * streams audio, and the response the server creates is the turn. The record is made by the real
 * analyzers from a recorded session's frames; the rebuild (a reopened or imported session) reads
 * the same turns from the record's messages.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { threadOfRecord } from '../../../shared/threads/rebuild-threads.ts';
import { ThreadTracker } from '../../../shared/threads/thread-tracker.ts';
import { recordOf } from '../../support/sample-records.ts';
import { readWebSocketRecording } from '../../support/websocket-upstream.ts';

const VAD = readWebSocketRecording(
  join(import.meta.dirname, '../../fixtures/wire/openai-realtime-ws-audio-in-server-vad.trimmed.jsonl'),
);

describe('Realtime API socket with server voice activity detection', () => {
  it('makes the response the server started a turn, live and rebuilt alike', () => {
    const record = recordOf({
      id: 'rt-vad',
      seq: 1,
      startedAt: '2026-08-20T10:00:00.000Z',
      method: 'GET',
      path: '/v1/realtime?model=gpt-realtime',
      headers: { upgrade: 'websocket' },
      steps: [
        { type: 'request-end', t: 0.1 },
        { type: 'response-head', t: 1, status: 101, headers: { upgrade: 'websocket' } },
        ...VAD.map((m, i) => ({
          type: 'websocket-message' as const,
          t: 2 + i,
          from: m.from,
          binary: false,
          data: new TextEncoder().encode(m.text),
        })),
        { type: 'websocket-close', t: 5000, code: 1000, reason: '', by: 'client' as const },
        { type: 'response-end', t: 5000 },
      ],
    });
    expect(record.api).toBe('openai.realtime');
    expect(record.socketTurns).toHaveLength(1);
    const [turn] = record.socketTurns ?? [];
    expect(turn?.model).toBe('gpt-realtime');
    expect(turn?.usage?.inputTokens).toBe(41);
    // The spoken user item the server committed is the turn's first message.
    expect(turn?.delta.appended).toMatchObject([{ at: 'input[0]', kind: 'user' }]);
    expect(turn?.cache?.verdict).toBeDefined();
    expect(record.thread).toMatchObject({ turn: 1, lastTurn: 1 });

    const rebuilt = threadOfRecord(new ThreadTracker(), record);
    expect(rebuilt.socketTurns?.map((t) => [t.turn, t.startedAt, t.usage, t.delta.appended])).toEqual(
      record.socketTurns?.map((t) => [t.turn, t.startedAt, t.usage, t.delta.appended]),
    );
  });
});
