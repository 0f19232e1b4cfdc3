import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { finishExchange } from '../../../electron/capture/finished-exchange.ts';
import { resendPlan } from '../../../electron/resend/resend-request.ts';
import { Resender } from '../../../electron/resend/resender.ts';
import { RESENT_FROM_HEADER } from '../../../shared/contract/tokentap-headers.ts';
import { jsonRecord } from '../../support/sample-records.ts';

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('what the resender needs, carried on the finished exchange', () => {
  it('is the nonce of the link header, read when the record is finished', () => {
    const template = jsonRecord();
    const resent = {
      ...template,
      resentFrom: 'original-1',
      request: {
        ...template.request,
        headers: { ...template.request.headers, [RESENT_FROM_HEADER]: 'original-1; nonce=n-42' },
      },
    };
    expect(finishExchange(resent).resendNonce).toBe('n-42');
    expect(finishExchange(template).resendNonce).toBeNull();
  });

  it('ends the wait from the finished exchange alone, never parsing its JSON', async () => {
    const resender = new Resender();
    const template = jsonRecord();
    const summary = { ...finishExchange(template).summary, id: 'resent-1', resentFrom: template.id };
    // The "proxy": it answers, and the capture of that request is delivered the moment it arrives,
    // with a line the resender could not parse if it tried.
    let seen: IncomingHttpHeaders | null = null;
    const server = createServer((req, res) => {
      seen = req.headers;
      const nonce = /nonce=(\S+)/.exec(String(req.headers[RESENT_FROM_HEADER]))?.[1] ?? null;
      resender.captured({
        summary,
        summaryJson: JSON.stringify(summary),
        line: Buffer.from('{"not": json\n'),
        resendNonce: nonce,
      });
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const keyless = { ...template, request: { ...template.request, headers: {} } };
    const result = await resender.send(url, resendPlan(keyless, {}, {}, 'n-7'), 'n-7');
    expect(result).toBe(summary);
    expect(seen?.[RESENT_FROM_HEADER]).toBe(`${template.id}; nonce=n-7`);
  });
});
