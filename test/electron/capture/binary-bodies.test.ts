/**
 * Audio through the real proxy with the official SDK: the speech answer and the transcription
 * upload are bytes, not text, and their records keep every byte (base64), through JSONL and HAR.
 */
import { toFile } from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resendPlan } from '../../../electron/resend/resend-request.ts';
import { harToRecords } from '../../../electron/sessions/har-import.ts';
import type { ExchangeRecord } from '../../../shared/exchange/exchange-record.ts';
import { harTextPieces } from '../../../shared/export-formats/har-format.ts';
import type { Har } from '../../../shared/export-formats/har-types.ts';
import { parseJsonl, recordsToJsonl } from '../../../shared/export-formats/jsonl-format.ts';
import { base64ToBytes, capturedBodyBytes } from '../../../shared/wire/body-bytes.ts';
import { expectValidHar } from '../../support/har-validate.ts';
import { type Harness, startHarness } from '../../support/tokentap-harness.ts';
import { wavTone } from '../../support/wav-tone.ts';
import { startReplayHarness } from '../replay/replay-support.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const SPEECH = wavTone(48_000);

/** The HAR text of the records as the export writes it, piece by piece. */
function harText(records: readonly ExchangeRecord[]): string {
  const pieces = harTextPieces({ version: 'test' });
  return pieces.head + records.map((r, i) => pieces.entry(r, i)).join('') + pieces.tail(records.length);
}

async function expectRoundTrips(record: ExchangeRecord): Promise<void> {
  expect(parseJsonl(recordsToJsonl([record]))).toEqual([record]);
  const har = JSON.parse(harText([record])) as Har;
  await expectValidHar(har);
  expect(harToRecords(har)).toEqual([record]);
}

describe('binary bodies are stored losslessly', () => {
  it('keeps the bytes of an audio/speech answer (SDK audio.speech.create)', async () => {
    h.upstream.respond('POST /v1/audio/speech', {
      body: SPEECH,
      headers: { 'content-type': 'audio/wav' },
    });
    const answer = await h.openai.audio.speech.create({
      model: 'gpt-4o-mini-tts',
      voice: 'alloy',
      input: 'Hello there',
      response_format: 'wav',
    });
    const heard = Buffer.from(await answer.arrayBuffer());
    expect(heard.equals(SPEECH)).toBe(true);

    const record = await h.nextRecord();
    const response = record.response;
    expect(response?.encoding).toBe('base64');
    expect(response?.bodyBytes).toBe(48_000);
    expect(response?.bodyTruncated).toBe(false);
    expect(Buffer.from(capturedBodyBytes(response ?? { body: '' })).equals(SPEECH)).toBe(true);
    // The request was JSON: it stays text, with no encoding field at all.
    expect(record.request).not.toHaveProperty('encoding');
    expect(JSON.parse(record.request.body)).toMatchObject({ model: 'gpt-4o-mini-tts', input: 'Hello there' });

    const har = JSON.parse(harText([record])) as Har;
    const content = har.log.entries[0]?.response.content;
    expect(content).toMatchObject({ size: 48_000, mimeType: 'audio/wav', encoding: 'base64' });
    expect(Buffer.from(content?.text ?? '', 'base64').equals(SPEECH)).toBe(true);
    await expectRoundTrips(record);
  });

  it('keeps the bytes of a multipart audio upload (SDK audio.transcriptions.create)', async () => {
    h.upstream.respond('POST /v1/audio/transcriptions', {
      body: JSON.stringify({ text: 'Hello there' }),
      headers: { 'content-type': 'application/json' },
    });
    const upload = wavTone(200_000, 523);
    const result = await h.openai.audio.transcriptions.create({
      file: await toFile(upload, 'hello.wav', { type: 'audio/wav' }),
      model: 'whisper-1',
    });
    expect(result.text).toBe('Hello there');

    const sent = (await h.upstream.requests[0]?.bodyComplete) as Buffer;
    expect(sent.includes(upload)).toBe(true);
    const record = await h.nextRecord();
    expect(record.request.encoding).toBe('base64');
    expect(record.request.bodyBytes).toBe(sent.byteLength);
    expect(Buffer.from(capturedBodyBytes(record.request)).equals(sent)).toBe(true);
    // The JSON answer is text as before.
    expect(record.response).not.toHaveProperty('encoding');
    expect(record.response?.body).toBe('{"text":"Hello there"}');

    const har = JSON.parse(harText([record])) as Har;
    expect(har.log.entries[0]?.request.postData?.encoding).toBe('base64');
    expect(har.log.entries[0]?.request.bodySize).toBe(sent.byteLength);
    await expectRoundTrips(record);
  });

  it('stores valid UTF-8 of a binary content type (silent PCM) as base64', async () => {
    // Silent PCM is all zeros: valid UTF-8, still audio.
    const silence = Buffer.alloc(4096);
    h.upstream.respond('POST /v1/audio/speech', { body: silence, headers: { 'content-type': 'audio/pcm' } });
    const answer = await h.openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'shh' });
    expect(Buffer.from(await answer.arrayBuffer()).equals(silence)).toBe(true);
    const record = await h.nextRecord();
    expect(record.response?.encoding).toBe('base64');
    expect(Buffer.from(capturedBodyBytes(record.response ?? { body: '' })).equals(silence)).toBe(true);
  });

  it('replays a recorded speech answer byte for byte, and resends a recorded upload as its bytes', async () => {
    h.upstream.respond('POST /v1/audio/speech', { body: SPEECH, headers: { 'content-type': 'audio/wav' } });
    await (await h.openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi' })).arrayBuffer();
    const recorded = await h.nextRecord();
    const replay = await startReplayHarness([recorded]);
    try {
      const answer = await replay.openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi' });
      expect(answer.headers.get('x-tokentap-replay')).toBe(recorded.id);
      expect(Buffer.from(await answer.arrayBuffer()).equals(SPEECH)).toBe(true);
    } finally {
      await replay.close();
    }
    const upload = Buffer.concat([Buffer.from('--b\r\n\r\n'), SPEECH, Buffer.from('\r\n--b--\r\n')]);
    const multipart = {
      ...recorded,
      request: {
        headers: { 'content-type': 'multipart/form-data; boundary=b', authorization: '[redacted]' },
        body: upload.toString('base64'),
        encoding: 'base64' as const,
        bodyTruncated: false,
        bodyBytes: upload.byteLength,
      },
    };
    const plan = resendPlan(multipart, { apiKey: 'sk-given' }, {}, 'n1');
    expect(Buffer.isBuffer(plan.body) && plan.body.equals(upload)).toBe(true);
  });

  it('reads a record written before binary bodies (no encoding field) as text', () => {
    const line = JSON.stringify({
      ...oldRecordShape(),
      request: { headers: {}, body: 'hi', bodyTruncated: false, bodyBytes: 2 },
    });
    const [record] = parseJsonl(`${line}\n`);
    expect(record?.request.encoding).toBeUndefined();
    expect(capturedBodyBytes(record?.request ?? { body: '' })).toEqual(new TextEncoder().encode('hi'));
  });
});

function oldRecordShape(): Omit<ExchangeRecord, 'request'> {
  return {
    id: 'old-1',
    seq: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    method: 'POST',
    path: '/v1/x',
    api: 'http',
    model: null,
    tenant: null,
    stream: false,
    status: 200,
    state: 'complete',
    usage: null,
    costUsd: null,
    timings: { headersMs: 1, firstTokenMs: null, totalMs: 2, outputTokensPerSecond: null },
    error: null,
    organization: null,
    project: null,
    response: { headers: {}, body: 'ok', bodyTruncated: false, bodyBytes: 2 },
    chunks: [],
    gaps: null,
    merged: null,
    integrity: [],
    streamError: null,
  };
}

describe('base64ToBytes', () => {
  it('decodes what Buffer decodes, and never throws on text that is not base64', () => {
    const bytes = wavTone(1000);
    expect(Buffer.from(base64ToBytes(bytes.toString('base64'))).equals(bytes)).toBe(true);
    for (const bad of ['@@@', 'QUJD!', 'Q', '====', 'QUJDRA'])
      expect(Buffer.from(base64ToBytes(bad)).equals(Buffer.from(bad, 'base64'))).toBe(true);
  });
});
