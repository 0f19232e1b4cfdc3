/**
 * A large stream through the real proxy while the capture queue (its real bound, set small) is
 * overflowing: the record keeps the true size and marks each hole where it is, and what it
 * kept is byte for byte what the upstream sent around those holes.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BodyHole } from '../../../shared/exchange/exchange-record.ts';
import { recordToHarEntry, tokentapHarEntryToRecord } from '../../../shared/export-formats/har-format.ts';
import { capturedBodyBytes } from '../../../shared/wire/body-bytes.ts';
import { Gate } from '../../support/gate.ts';
import { type Harness, startHarness } from '../../support/tokentap-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CHUNK = 32 * 1024;
const CHUNKS = 96;
/** A distinct, printable line per chunk, so a misplaced stretch cannot match by chance. */
function chunkText(i: number): string {
  const line = `chunk ${String(i).padStart(4, '0')} `;
  return `${line.repeat(Math.ceil(CHUNK / line.length)).slice(0, CHUNK - 1)}\n`;
}

/** Reads a response body, counting bytes, with a way to wait until some number have arrived. */
function countBytes(body: AsyncIterable<Buffer>) {
  let received = 0;
  const done = (async () => {
    for await (const part of body) received += part.byteLength;
    return received;
  })();
  return {
    done,
    atLeast: (bytes: number) =>
      vi.waitFor(
        () => expect(received, `the client to have received ${bytes} bytes`).toBeGreaterThanOrEqual(bytes),
        {
          timeout: 10_000,
          interval: 5,
        },
      ),
  };
}

/** The kept body is the sent body with each hole's bytes cut out at its place. */
function expectKeptAroundHoles(kept: Buffer, sent: Buffer, holes: readonly BodyHole[]): void {
  let at = 0;
  let wire = 0;
  for (const hole of [...holes, { at: kept.byteLength, bytes: 0 }]) {
    const stretch = hole.at - at;
    expect(
      kept.subarray(at, hole.at).equals(sent.subarray(wire, wire + stretch)),
      `the bytes before the hole at ${hole.at}`,
    ).toBe(true);
    wire += stretch + hole.bytes;
    at = hole.at;
  }
  expect(wire).toBe(sent.byteLength);
}

describe('records after dropped analysis', () => {
  it('keep true sizes and mark where the holes are under a large stream', async () => {
    h = await startHarness({ queueBytes: 128 * 1024 });
    const { upstream, proxyUrl, service, nextRecord } = h;
    const gate = new Gate();
    const chunks = Array.from({ length: CHUNKS }, (_, i) => chunkText(i));
    upstream.respond('POST /v1/big', {
      kind: 'gated',
      chunks,
      gate,
      headers: { 'content-type': 'text/plain' },
    });
    // (The proxy's response head reaches the client with the first body bytes.)
    gate.release(1);
    const response = await request(`${proxyUrl}/v1/big`, { method: 'POST', body: '{}' });
    const client = countBytes(response.body);

    let released = 1;
    const letThrough = async (count: number) => {
      gate.release(count);
      released += count;
      await client.atLeast(released * CHUNK);
    };
    for (let round = 0; round < 3; round++) {
      await letThrough(8);
      await service.analysis.idle();
      // Analysis stalls: the queue takes what fits under its bound and drops the rest.
      service.analysis.queue.pause();
      await letThrough(16);
      service.analysis.queue.resume();
      await service.analysis.idle();
    }
    gate.releaseAll();
    expect(await client.done).toBe(CHUNKS * CHUNK);

    const record = await nextRecord();
    const sent = Buffer.from(chunks.join(''));
    const captured = record.response;
    expect(record.integrity).toContain('analysis-dropped');
    expect(captured?.bodyBytes).toBe(sent.byteLength);
    expect(captured?.bodyTruncated).toBe(false);
    const holes = captured?.holes ?? [];
    // At least one hole per stall (a stall can leave several, where the worker released bytes meanwhile).
    expect(holes.length, JSON.stringify(holes)).toBeGreaterThanOrEqual(3);
    const kept = Buffer.from(capturedBodyBytes(captured ?? { body: '' }));
    expect(kept.byteLength + holes.reduce((sum, hole) => sum + hole.bytes, 0)).toBe(sent.byteLength);
    expectKeptAroundHoles(kept, sent, holes);
    // The HAR carries the holes along and imports back to the same record.
    const entry = recordToHarEntry(record);
    expect(entry.response._holes).toEqual(holes);
    expect(tokentapHarEntryToRecord(JSON.parse(JSON.stringify(entry)))).toEqual(record);
  });

  it('mark the rest of a compressed body as one hole: past a gap it cannot be decompressed', async () => {
    h = await startHarness({ queueBytes: 128 * 1024 });
    const { upstream, proxyUrl, service, nextRecord } = h;
    const gate = new Gate();
    // Printable but incompressible: gzip keeps it about as large on the wire.
    const chunks = Array.from({ length: 32 }, () => `${randomBytes(24 * 1024).toString('base64')}\n`);
    upstream.respond('POST /v1/big', {
      kind: 'gated',
      chunks,
      gate,
      gzip: true,
      headers: { 'content-type': 'text/plain' },
    });
    gate.release(1);
    const response = await request(`${proxyUrl}/v1/big`, { method: 'POST', body: '{}' });
    let received = 0;
    const done = (async () => {
      for await (const part of response.body) received += (part as Buffer).byteLength;
    })();
    const sentSoFar = () => upstream.requests[0]?.sentBody.byteLength ?? Number.POSITIVE_INFINITY;
    const letThrough = async (count: number, total: number) => {
      gate.release(count);
      await gate.whenWritten(total);
      await vi.waitFor(
        () => expect(received, 'the client to have what was sent').toBeGreaterThanOrEqual(sentSoFar()),
        {
          timeout: 10_000,
          interval: 5,
        },
      );
    };
    await letThrough(7, 8);
    await service.analysis.idle();
    service.analysis.queue.pause();
    await letThrough(12, 20);
    service.analysis.queue.resume();
    gate.releaseAll();
    await done;

    const record = await nextRecord();
    const wire = upstream.requests[0]?.sentBody as Buffer;
    const original = Buffer.from(chunks.join(''));
    const captured = record.response;
    expect(captured?.bodyBytes).toBe(wire.byteLength);
    const kept = Buffer.from(capturedBodyBytes(captured ?? { body: '' }));
    expect(kept.byteLength).toBeGreaterThan(0);
    expect(kept.byteLength).toBeLessThan(original.byteLength);
    expect(kept.equals(original.subarray(0, kept.byteLength))).toBe(true);
    const holes = captured?.holes ?? [];
    expect(holes).toHaveLength(1);
    expect(holes[0]?.at).toBe(kept.byteLength);
    expect(captured?.bodyTruncated).toBe(false);
  });

  it('keep the true size of an upload whose parts were dropped, and mark the hole', async () => {
    h = await startHarness({ queueBytes: 128 * 1024 });
    const { upstream, proxyUrl, service, nextRecord } = h;
    upstream.respond('POST /v1/files', {
      body: '{"id":"file-1"}',
      headers: { 'content-type': 'application/json' },
    });
    const upload = Buffer.from(Array.from({ length: 64 }, (_, i) => chunkText(i)).join(''));
    service.analysis.queue.pause();
    const response = await request(`${proxyUrl}/v1/files`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: upload,
    });
    expect(await response.body.text()).toBe('{"id":"file-1"}');
    service.analysis.queue.resume();
    const record = await nextRecord();
    expect(record.request.bodyBytes).toBe(upload.byteLength);
    const holes = record.request.holes ?? [];
    expect(holes.length).toBeGreaterThanOrEqual(1);
    expectKeptAroundHoles(Buffer.from(capturedBodyBytes(record.request)), upload, holes);
  });
});
