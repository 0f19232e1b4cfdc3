// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ProxyStatus, TelemetryStatus } from '../../shared/contract/inspector-contract.ts';
import { renderApp, setupDomTests } from './support/dom.tsx';
import { MemoryApi } from './support/memory-api.ts';
import { sampleRecords } from './support/records.ts';

setupDomTests();

const TELEMETRY: TelemetryStatus = {
  state: 'ok',
  endpoint: 'http://collector:4318/v1/traces',
  protocol: 'http/protobuf',
  error: null,
  since: null,
  exported: 12,
  queued: 0,
  dropped: 0,
  content: false,
};

describe('OpenTelemetry export in the top bar', () => {
  it('says when the endpoint fails, with its error, and clears once it takes spans again', async () => {
    const api = new MemoryApi(sampleRecords());
    renderApp(api);
    const status = await api.status.get();
    await screen.findByText('Capturing');
    const failing: ProxyStatus = {
      ...status,
      telemetry: {
        ...TELEMETRY,
        state: 'failing',
        error: 'connect ECONNREFUSED 127.0.0.1:4318',
        queued: 3,
        dropped: 1,
      },
    };
    act(() => api.emit([{ type: 'status', status: failing }]));
    const alert = await screen.findByText(/^Export failing/);
    expect(alert.textContent).toBe('Export failing: connect ECONNREFUSED 127.0.0.1:4318');
    expect(alert.closest('[role=alert]')?.getAttribute('title')).toMatch(
      /http:\/\/collector:4318\/v1\/traces failing.*3 waiting, 1 dropped/,
    );
    act(() => api.emit([{ type: 'status', status: { ...status, telemetry: TELEMETRY } }]));
    await waitFor(() => expect(screen.queryByText(/^Export failing/), 'the note to go').toBeNull());
  });
});
