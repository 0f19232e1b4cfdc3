// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ProxyStatus } from '../../shared/contract/inspector-contract.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

describe('capture health in the top bar', () => {
  it('says when capture fails and why, and clears once writes work again', async () => {
    const api = new MemoryApi(sampleRecords());
    renderApp(api);
    const status = await api.status.get();
    await screen.findByText('Capturing');
    expect(screen.queryByText(/^Capture (failing|off)/)).toBeNull();
    const failing: ProxyStatus = {
      ...status,
      capture: {
        state: 'failing',
        error: 'ENOSPC: no space left on device, write',
        since: '2026-12-01T11:00:00.000Z',
        waiting: 7,
        lost: 0,
      },
    };
    act(() => api.emit([{ type: 'status', status: failing }]));
    const alert = await screen.findByText(/^Capture failing/);
    expect(alert.closest('[role=alert]')).not.toBeNull();
    expect(alert.textContent).toBe('Capture failing: ENOSPC: no space left on device, write');
    expect(alert.closest('[role=alert]')?.getAttribute('title')).toMatch(/Retrying; 7 waiting, 0 lost/);
    act(() =>
      api.emit([
        {
          type: 'status',
          status: { ...status, capture: { state: 'ok', error: null, since: null, waiting: 0, lost: 0 } },
        },
      ]),
    );
    await waitFor(() => expect(screen.queryByText(/^Capture (failing|off)/), 'the note to go').toBeNull());
    act(() =>
      api.emit([
        {
          type: 'status',
          status: {
            ...status,
            capture: {
              state: 'off',
              error: 'cannot write sessions in /x (ENOTDIR)',
              since: null,
              waiting: 0,
              lost: 0,
            },
          },
        },
      ]),
    );
    expect((await screen.findByText(/^Capture off/)).textContent).toBe(
      'Capture off: cannot write sessions in /x (ENOTDIR)',
    );
  });
});
