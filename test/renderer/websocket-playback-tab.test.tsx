// @vitest-environment jsdom
/**
 * The Replay tab of a WebSocket exchange plays its messages back one by one at their recorded
 * offsets, scaled by the speed, with the merged text of a Realtime session building up.
 */
import { act, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { PlaybackTab } from '../../renderer/components/detail/playback-tab.tsx';
import { PlaybackClockContext } from '../../renderer/playback/playback-clock.ts';
import { recordOf } from '../support/sample-records.ts';
import { renderWithStore, setupDomTests } from './support/dom.tsx';
import { manualClock } from './support/manual-clock.ts';
import { MemoryApi } from './support/memory-api.ts';

setupDomTests();

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const server = (t: number, json: unknown) =>
  ({
    type: 'websocket-message',
    t,
    from: 'server',
    binary: false,
    data: bytes(JSON.stringify(json)),
  }) as const;

/** A Realtime session: the response's text arrives in two deltas 200 ms apart. */
function realtimeSession() {
  return recordOf({
    id: '5d1e3a8c-0f4b-4c2e-9a7d-1b2c3d4e5f60',
    seq: 3,
    startedAt: '2026-02-11T10:17:00.000Z',
    method: 'GET',
    path: '/v1/realtime?model=gpt-realtime',
    headers: { upgrade: 'websocket' },
    steps: [
      { type: 'request-end', t: 0 },
      { type: 'response-head', t: 10, status: 101, headers: { upgrade: 'websocket' } },
      server(12, { type: 'session.created', session: { model: 'gpt-realtime' } }),
      {
        type: 'websocket-message',
        t: 20,
        from: 'client',
        binary: false,
        data: bytes('{"type":"response.create"}'),
      },
      server(30, { type: 'response.created', response: { id: 'resp_1' } }),
      server(100, { type: 'response.output_text.delta', response_id: 'resp_1', delta: 'Hel' }),
      server(300, { type: 'response.output_text.delta', response_id: 'resp_1', delta: 'lo' }),
      server(310, { type: 'response.done', response: { id: 'resp_1', status: 'completed' } }),
      { type: 'websocket-close', t: 400, code: 1000, reason: 'bye', by: 'client' },
      { type: 'response-end', t: 400 },
    ],
  });
}

function seek(ms: number): void {
  const scrubber = screen.getByRole('slider', { name: 'Replay position' });
  act(() => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    setter?.call(scrubber, String(ms));
    scrubber.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

const shownRows = () =>
  within(screen.getByRole('table', { name: 'WebSocket messages' })).getAllByRole('row').length - 1;
const mergedText = () =>
  within(screen.getByRole('region', { name: 'Replayed response' })).getByTestId('merged-text').textContent;

describe('WebSocket playback in the Replay tab', () => {
  it('shows the messages and the merged text as they stood at each recorded offset', () => {
    const record = realtimeSession();
    expect(record.merged?.text).toBe('Hello');
    renderWithStore(<PlaybackTab record={record} />, new MemoryApi());
    expect(screen.getByText(/message 0 of 6/)).toBeTruthy();
    seek(100);
    expect(shownRows()).toBe(4);
    expect(mergedText()).toBe('Hel');
    seek(299);
    expect(shownRows()).toBe(4);
    expect(screen.getByText('Open.')).toBeTruthy();
    seek(300);
    expect(shownRows()).toBe(5);
    expect(mergedText()).toBe('Hello');
    seek(400);
    expect(shownRows()).toBe(6);
    expect(screen.getByText('Closed by the client with code 1000 (bye) at 400 ms.')).toBeTruthy();
  });

  it('plays the messages one by one at the chosen speed, the text building up', async () => {
    const user = userEvent.setup();
    const clock = manualClock();
    renderWithStore(
      <PlaybackClockContext value={clock}>
        <PlaybackTab record={realtimeSession()} />
      </PlaybackClockContext>,
      new MemoryApi(),
    );
    await user.selectOptions(screen.getByRole('combobox', { name: 'Speed' }), '2');
    await user.click(screen.getByRole('button', { name: 'Play' }));
    const shown = () => `${shownRows()}:${mergedText()}`;
    // 2 ms of the clock per frame: 4 ms of the recording at 2×, finer than any gap between messages.
    const seen = [shown()];
    const atWall = new Map<string, number>();
    for (let wall = 2; clock.pending > 0; wall += 2) {
      expect(wall, 'the playback never ended').toBeLessThan(1000);
      act(() => clock.advance(2));
      const step = shown();
      if (seen.at(-1) !== step) {
        seen.push(step);
        atWall.set(step, wall);
      }
    }
    // One by one, never backwards, and never skipping a message.
    expect(seen).toEqual(['0:', '1:', '2:', '3:', '4:Hel', '5:Hello', '6:Hello']);
    // At the chosen speed: the delta recorded at 100 ms shows 50 ms into playback at 2×, the next at 150.
    expect(atWall.get('4:Hel')).toBe(50);
    expect(atWall.get('5:Hello')).toBe(150);
    expect(screen.getByText(/Closed by the client/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Play' })).toBeTruthy();
  });
});
