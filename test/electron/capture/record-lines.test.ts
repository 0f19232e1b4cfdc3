/**
 * Records' session lines are UTF-8 encoded in the analysis worker, into buffers that move to the
 * forwarding thread with them: each line must arrive byte for byte what encoding its JSON there
 * would have given, whatever its characters, however many share a buffer, and however large.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordLines } from '../../../electron/capture/finished-exchange.ts';

const ports: MessagePort[] = [];
afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

/** Posts lines with the buffers `take` names as the transfer list, and resolves with what arrives on the other side. */
function moved(lines: Uint8Array[], transfer: ArrayBuffer[]): Promise<Uint8Array[]> {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const arrived = new Promise<Uint8Array[]>((resolve) => port2.once('message', resolve));
  port1.postMessage(lines, transfer);
  return arrived;
}

const TEXTS = [
  'plain ASCII',
  'Latin-1: café, naïve, Größe',
  'past Latin-1: “quotes” — dashes… 5–10 min',
  '中文、日本語、한국어',
  'emoji 👩‍💻 🚀 and a flag 🇲🇽',
  'escapes: "quoted" \\ back\nslash\ttab \u0000 \u2028',
];

describe('record lines', () => {
  it('arrive on the other thread as the UTF-8 of each JSON line, many to a buffer', async () => {
    const lines = new RecordLines();
    const jsons = Array.from({ length: 6000 }, (_, i) =>
      JSON.stringify({ i, text: `${TEXTS[i % TEXTS.length]} ${'x'.repeat(i % 97)}` }),
    );
    const encoded = jsons.map((json) => lines.encode(json));
    const transfer = lines.take();
    // Many lines share a buffer (a buffer each would be an allocation per record).
    expect(transfer.length).toBeGreaterThan(1);
    expect(transfer.length).toBeLessThan(jsons.length / 10);
    const arrived = await moved(encoded, transfer);
    // Moved, not copied: this side's buffers are gone.
    expect(transfer.every((buffer) => buffer.byteLength === 0)).toBe(true);
    expect(arrived.map((line) => Buffer.from(line).toString('utf8'))).toEqual(
      jsons.map((json) => `${json}\n`),
    );
    for (const [i, line] of arrived.entries())
      expect(Buffer.from(line).equals(Buffer.from(`${jsons[i]}\n`)), `line ${i}`).toBe(true);
  });

  it('gives a large line a buffer of its own, exactly its size', async () => {
    const lines = new RecordLines();
    const small = JSON.stringify({ text: 'before' });
    const large = JSON.stringify({ text: `${'a conversation re-sent… '.repeat(20_000)}中文` });
    const encoded = [lines.encode(small), lines.encode(large), lines.encode(small)];
    const expected = Buffer.from(`${large}\n`);
    expect(encoded[1]?.buffer.byteLength).toBe(expected.byteLength);
    const arrived = await moved(encoded, lines.take());
    expect(Buffer.from(arrived[1] as Uint8Array).equals(expected)).toBe(true);
    expect(Buffer.from(arrived[0] as Uint8Array).toString()).toBe(`${small}\n`);
    expect(Buffer.from(arrived[2] as Uint8Array).toString()).toBe(`${small}\n`);
  });

  it('encodes later lines into fresh buffers once the earlier ones were taken', async () => {
    const lines = new RecordLines();
    const first = lines.encode('{"n":1}');
    const taken = lines.take();
    const second = lines.encode('{"n":2}');
    await moved([first], taken);
    expect(Buffer.from(second).toString()).toBe('{"n":2}\n');
    expect(lines.take()).toHaveLength(1);
    expect(lines.take()).toHaveLength(0);
  });
});
