/**
 * A large stream through the real proxy while the capture queue (its real bound, set small) is
 * overflowing: the record keeps the true size and marks each hole where it is, and what it
 * kept is byte for byte what the upstream sent around those holes.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { capturedBodyBytes } from '../../../shared/body-bytes.ts';
import type { BodyHole } from '../../../shared/exchange-record.ts';
import { recordToHarEntry, tokentapHarEntryToRecord } from '../../../shared/har-format.ts';
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
});
