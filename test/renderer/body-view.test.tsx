// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestTab } from '../../renderer/components/detail/request-tab.tsx';
import { ResponseTab } from '../../renderer/components/detail/response-tab.tsx';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { wavTone } from '../support/wav-tone.ts';
import { sampleRecords } from './support/records.ts';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** jsdom has no Blob URLs: hand out fake ones and keep the blobs to check their bytes. */
function captureBlobs() {
  const blobs = new Map<string, Blob>();
  URL.createObjectURL = vi.fn((blob: Blob) => {
    const url = `blob:test/${blobs.size + 1}`;
    blobs.set(url, blob);
    return url;
  });
  URL.revokeObjectURL = vi.fn();
  return blobs;
}

function baseRecord(): ExchangeRecord {
  const record = sampleRecords()[0] as ExchangeRecord;
  return { ...record, chunks: [], merged: null, stream: false, api: 'http', path: '/v1/audio/speech' };
}

const SPEECH = wavTone(48_000);

describe('binary body view', () => {
  it('shows an audio answer as its type and size, plays it and downloads its exact bytes', async () => {
    const blobs = captureBlobs();
    const record: ExchangeRecord = {
      ...baseRecord(),
      response: {
        headers: { 'content-type': 'audio/wav' },
        body: SPEECH.toString('base64'),
        encoding: 'base64',
        bodyTruncated: false,
        bodyBytes: SPEECH.byteLength,
      },
    };
    render(<ResponseTab record={record} />);
    const figure = screen.getByRole('figure', { name: 'Response body' });
    expect(figure.textContent).toContain('audio/wav · 46.9 KB (48,000 bytes)');
    const link = await within(figure).findByRole('link', { name: 'Download' });
    expect(link.getAttribute('download')).toBe(`${record.id}-response.wav`);
    const href = link.getAttribute('href') ?? '';
    expect(href).toMatch(/^blob:/);
    const audio = figure.querySelector('audio');
    expect(audio?.getAttribute('src')).toBe(href);
    const blob = blobs.get(href);
    expect(blob?.type).toBe('audio/wav');
    expect(Buffer.from(await (blob as Blob).arrayBuffer()).equals(SPEECH)).toBe(true);
    // No base64 text dumped on the page.
    expect(document.body.textContent).not.toContain(SPEECH.toString('base64').slice(0, 40));
    cleanup();
    await waitFor(() => expect(URL.revokeObjectURL).toHaveBeenCalledWith(href));
  });

  it('offers a multipart upload for download, with no player', async () => {
    captureBlobs();
    const upload = Buffer.concat([Buffer.from('--b\r\ncontent-type: audio/wav\r\n\r\n'), SPEECH]);
    const record: ExchangeRecord = {
      ...baseRecord(),
      request: {
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        body: upload.toString('base64'),
        encoding: 'base64',
        bodyTruncated: false,
        bodyBytes: upload.byteLength,
      },
    };
    render(<RequestTab record={record} />);
    const figure = screen.getByRole('figure', { name: 'Request body' });
    expect(figure.textContent).toContain(
      `multipart/form-data; boundary=b · 46.9 KB (${upload.byteLength.toLocaleString()} bytes)`,
    );
    const link = await within(figure).findByRole('link', { name: 'Download' });
    expect(link.getAttribute('download')).toBe(`${record.id}-request.bin`);
    expect(figure.querySelector('audio')).toBeNull();
  });

  it('marks the holes the capture queue left in a body', () => {
    const record: ExchangeRecord = {
      ...baseRecord(),
      response: {
        headers: { 'content-type': 'text/plain' },
        body: 'start…end',
        bodyTruncated: false,
        bodyBytes: 3_000_011,
        holes: [{ at: 8, bytes: 3_000_000 }],
      },
    };
    render(<ResponseTab record={record} />);
    const note = screen.getByRole('note', { name: 'Body holes' });
    expect(note.textContent).toContain('1 hole: 2.9 MB of 2.9 MB were not captured');
    expect(note.textContent).toContain('at byte 8: 3,000,000 bytes missing');
  });
});
