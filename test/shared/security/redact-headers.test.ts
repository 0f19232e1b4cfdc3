import { describe, expect, it } from 'vitest';
import type { FoundSecret } from '../../../shared/exchange/capture-events.ts';
import { isSecretHeader, REDACTED, redactHeaders } from '../../../shared/security/redact-headers.ts';
import { secretsOf } from '../../../shared/security/redact-scrubber.ts';
import { SECRET_HEADER_TABLE, VISIBLE_HEADER_TABLE } from '../../support/secret-headers.ts';

describe('isSecretHeader', () => {
  it.each(SECRET_HEADER_TABLE)('redacts %s: %s', (_provider, header) => {
    expect(isSecretHeader(header)).toBe(true);
    expect(redactHeaders({ [header.toUpperCase()]: 'value-0123456789' })).toEqual({ [header]: REDACTED });
  });

  it.each(VISIBLE_HEADER_TABLE)('keeps %s visible', (header) => {
    expect(isSecretHeader(header)).toBe(false);
    expect(redactHeaders({ [header]: '42' })).toEqual({ [header]: '42' });
  });
});

describe('redactHeaders', () => {
  it('hands over the values it replaced; the credentials inside them are the secrets to scrub', () => {
    const found: FoundSecret[] = [];
    const out = redactHeaders(
      {
        authorization: 'Bearer sk-proj-abcdef0123456789',
        'x-goog-api-key': 'AIzaSyTESTgoogleKEY01234',
        cookie: 'sessionid=cookieSECRET123456; theme=dark',
        'set-cookie': ['sid=setCookieSECRET999; Path=/v1/chat/completions; HttpOnly'],
        'x-ratelimit-remaining-tokens': '29000',
      },
      found,
    );
    const secrets = secretsOf(found);
    expect(out).toEqual({
      authorization: REDACTED,
      'x-goog-api-key': REDACTED,
      cookie: REDACTED,
      'set-cookie': [REDACTED],
      'x-ratelimit-remaining-tokens': '29000',
    });
    expect(secrets).toEqual(
      expect.arrayContaining([
        'Bearer sk-proj-abcdef0123456789',
        'sk-proj-abcdef0123456789',
        'AIzaSyTESTgoogleKEY01234',
        'cookieSECRET123456',
        'setCookieSECRET999',
      ]),
    );
    // Cookie attributes and short values are not secrets (they would match ordinary text).
    expect(secrets).not.toContain('/v1/chat/completions');
    expect(secrets).not.toContain('dark');
  });

  it('takes the signature and credential out of an AWS SigV4 authorization, and a Basic password', () => {
    const found: FoundSecret[] = [];
    redactHeaders(
      {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
        'proxy-authorization': `Basic ${btoa('user:hunter2hunter2')}`,
      },
      found,
    );
    const secrets = secretsOf(found);
    expect(secrets).toContain('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    expect(secrets).toContain('AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request');
    expect(secrets).toContain('hunter2hunter2');
    expect(secrets).not.toContain('AWS4-HMAC-SHA256');
  });
});
