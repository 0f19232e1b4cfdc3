/**
 * Small declared bodies are read whole before forwarding, within a budget for all of them at
 * once: past it (many slow or unfinished uploads) requests stream, and a body's bytes are given
 * back when it ends or its client goes.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { WHOLE_BODY_BYTES, WholeBodies, type WholeBody } from '../../../electron/proxy/whole-body.ts';

function request(headers: Record<string, string>): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

function reader() {
  const seen = { parts: [] as string[], ended: null as WholeBody | null, aborted: null as WholeBody | null };
  return {
    seen,
    part: (data: Buffer) => seen.parts.push(data.toString()),
    end: (body: WholeBody) => (seen.ended = body),
    aborted: (body: WholeBody) => (seen.aborted = body),
  };
}

describe('bodies read whole', () => {
  it('are the declared ones up to the size, within the budget; the rest stream', () => {
    const bodies = new WholeBodies(3000);
    expect(bodies.read(request({ 'content-length': '2000' }), reader())).toBe(true);
    expect(bodies.reading).toBe(2000);
    // Over the budget, chunked, undeclared, empty or too large: streamed.
    expect(bodies.read(request({ 'content-length': '1500' }), reader())).toBe(false);
    expect(bodies.read(request({ 'transfer-encoding': 'chunked', 'content-length': '10' }), reader())).toBe(
      false,
    );
    expect(bodies.read(request({}), reader())).toBe(false);
    expect(bodies.read(request({ 'content-length': '0' }), reader())).toBe(false);
    expect(
      new WholeBodies().read(request({ 'content-length': String(WHOLE_BODY_BYTES + 1) }), reader()),
    ).toBe(false);
    expect(bodies.reading).toBe(2000);
  });

  it('hand each piece on as it arrives, then the whole body, and give their bytes back at the end', async () => {
    const bodies = new WholeBodies(3000);
    const req = request({ 'content-length': '6' });
    const r = reader();
    bodies.read(req, r);
    req.write('abc');
    req.end('def');
    await new Promise((resolve) => req.once('end', resolve));
    expect(r.seen.parts).toEqual(['abc', 'def']);
    expect(r.seen.ended).toMatchObject({ bytes: 6 });
    expect(Buffer.concat(r.seen.ended?.parts ?? []).toString()).toBe('abcdef');
    expect(r.seen.aborted).toBeNull();
    expect(bodies.reading).toBe(0);
  });

  it('say when the client went first, with what it sent, and give its bytes back', async () => {
    const bodies = new WholeBodies(3000);
    const req = request({ 'content-length': '2000' });
    const r = reader();
    bodies.read(req, r);
    req.write('half');
    await new Promise((resolve) => setImmediate(resolve));
    req.destroy(new Error('aborted'));
    await new Promise((resolve) => req.once('close', resolve));
    expect(r.seen.ended).toBeNull();
    expect(r.seen.aborted).toMatchObject({ bytes: 4 });
    expect(bodies.reading).toBe(0);
    // The budget is free again.
    expect(bodies.read(request({ 'content-length': '2500' }), reader())).toBe(true);
  });
});
