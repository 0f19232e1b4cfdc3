// @vitest-environment jsdom
/** The Response tab of a WebSocket exchange lists its messages: direction, time, size, type, text. */
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ResponseTab } from '../../renderer/components/detail/response-tab.tsx';
import { websocketRecord } from '../support/sample-records.ts';
import { setupDomTests } from './support/dom.tsx';

setupDomTests();

describe('WebSocket messages in the detail pane', () => {
  it('shows every message with its direction, arrival, size and type, and how the socket closed', () => {
    render(<ResponseTab record={websocketRecord()} />);
    const table = screen.getByRole('table', { name: 'WebSocket messages' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    expect(rows).toEqual([
      [
        '1',
        '↓ server',
        '82 ms',
        '61 B',
        'session.created',
        '{"type":"session.created","session":{"model":"gpt-realtime"}}',
      ],
      ['2', '↑ client', '90 ms', '26 B', 'response.create', '{"type":"response.create"}'],
      ['3', '↓ server', '95 ms', '4 B', 'binary', 'AAEC/w=='],
    ]);
    expect(screen.getByText('Closed by the client with code 1000 (bye 😀) at 121 ms.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'WebSocket messages (3 messages)' })).toBeTruthy();
  });
});
