import { describe, expect, it } from 'vitest';
import type { FoundSecret } from '../../../shared/exchange/capture-events.ts';
import { fillRedactedQuery, hasRedactedQuery, redactQuery } from '../../../shared/security/redact-query.ts';
import { secretsOf } from '../../../shared/security/redact-scrubber.ts';

describe('redactQuery', () => {
  it('leaves paths without secrets exactly as they are', () => {
    expect(redactQuery('/v1/chat/completions')).toBe('/v1/chat/completions');
    expect(redactQuery('/v1/models?limit=5&after=abc')).toBe('/v1/models?limit=5&after=abc');
    expect(redactQuery('/search?q=a%20b&flag&x=')).toBe('/search?q=a%20b&flag&x=');
  });

  it('replaces the values of key-like parameters and keeps their order and the rest', () => {
    expect(redactQuery('/v1beta/models/gemini:generateContent?alt=sse&key=AIzaSyA-secret-value')).toBe(
      '/v1beta/models/gemini:generateContent?alt=sse&key=[redacted]',
    );
    expect(redactQuery('/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key=abc123')).toBe(
      '/openai/deployments/d/chat/completions?api-version=2024-10-21&api-key=[redacted]',
    );
    expect(redactQuery('/blob?sv=2022&sig=Zm9vYmFy%3D&se=2026')).toBe('/blob?sv=2022&sig=[redacted]&se=2026');
  });

  it('matches names whatever their case or encoding, and redacts repeated ones', () => {
    expect(redactQuery('/x?KEY=one&Api_Key=two&%6Bey=three')).toBe(
      '/x?KEY=[redacted]&Api_Key=[redacted]&%6Bey=[redacted]',
    );
  });

  it('survives malformed percent-encoding in names', () => {
    expect(redactQuery('/x?%E0%A4%A=1&key=s')).toBe('/x?%E0%A4%A=1&key=[redacted]');
  });
});

/** Secret query parameters in every form clients really send: all redacted. */
const SECRET_QUERY_TABLE: ReadonlyArray<readonly [query: string, redacted: string]> = [
  ['key=AIzaSy-secret', 'key=[redacted]'],
  ['KEY=AIzaSy-secret', 'KEY=[redacted]'],
  ['%6Bey=AIzaSy-secret', '%6Bey=[redacted]'],
  ['%4B%45%59=AIzaSy-secret', '%4B%45%59=[redacted]'],
  ['key[]=AIzaSy-secret', 'key[]=[redacted]'],
  ['key%5B%5D=AIzaSy-secret', 'key%5B%5D=[redacted]'],
  ['key[0]=AIzaSy-secret', 'key[0]=[redacted]'],
  ['auth=secret-value', 'auth=[redacted]'],
  ['x-api-key=secret-value', 'x-api-key=[redacted]'],
  ['apiKey=secret-value', 'apiKey=[redacted]'],
  ['subscription-key=secret-value', 'subscription-key=[redacted]'],
  ['access_token=secret-value', 'access_token=[redacted]'],
  ['oauth_token=secret-value', 'oauth_token=[redacted]'],
  ['token=secret-value', 'token=[redacted]'],
  ['client_secret=secret-value', 'client_secret=[redacted]'],
  ['password=secret-value', 'password=[redacted]'],
  ['sig=secret-value', 'sig=[redacted]'],
  ['X-Amz-Signature=secret-value', 'X-Amz-Signature=[redacted]'],
  ['X-Amz-Security-Token=secret-value', 'X-Amz-Security-Token=[redacted]'],
  ['X-Amz-Credential=secret-value', 'X-Amz-Credential=[redacted]'],
  ['X-Goog-Signature=secret-value', 'X-Goog-Signature=[redacted]'],
  ['jwt=secret-value', 'jwt=[redacted]'],
];

/** Parameters that look secret and are not: kept as sent. */
const VISIBLE_QUERY_TABLE: readonly string[] = [
  'max_tokens=100',
  'maxOutputTokens=100',
  'page_token=abc',
  'pageToken=abc',
  'next_page_token=abc',
  'keyword=llama',
  'monkey=1',
  'api-version=2024-10-21',
  'alt=sse',
  'X-Amz-Algorithm=AWS4-HMAC-SHA256',
  'X-Amz-SignedHeaders=host',
  'author=me',
  'tokenizer=cl100k',
];

describe('the query rule', () => {
  it.each(SECRET_QUERY_TABLE)('redacts %s', (query, redacted) => {
    expect(redactQuery(`/v1/x?alt=sse&${query}&n=1`)).toBe(`/v1/x?alt=sse&${redacted}&n=1`);
  });

  it.each(VISIBLE_QUERY_TABLE)('keeps %s', (query) => {
    expect(redactQuery(`/v1/x?${query}`)).toBe(`/v1/x?${query}`);
  });

  it('splits on `;` as well as `&`, keeping each separator', () => {
    expect(redactQuery('/x?a=1;key=s1&b=2;auth=s2')).toBe('/x?a=1;key=[redacted]&b=2;auth=[redacted]');
  });

  it('hands over each value it replaced, as sent and decoded', () => {
    const found: FoundSecret[] = [];
    redactQuery('/x?key=AIza%2Bsecret%2Fvalue&alt=sse', found);
    expect(found).toEqual([{ name: 'key', value: 'AIza%2Bsecret%2Fvalue' }]);
    expect(secretsOf(found)).toEqual(['AIza%2Bsecret%2Fvalue', 'AIza+secret/value']);
  });
});

describe('fillRedactedQuery', () => {
  it('fills every redacted form back in for a resend', () => {
    const captured = redactQuery('/x?a=1;key[]=one&AUTH=two');
    expect(hasRedactedQuery(captured)).toBe(true);
    expect(fillRedactedQuery(captured, 'k')).toBe('/x?a=1;key[]=k&AUTH=k');
  });

  it('puts a key back where it was redacted, encoded, and nowhere else', () => {
    const captured = redactQuery('/v1beta/models/g:generateContent?alt=sse&key=AIza-old');
    expect(hasRedactedQuery(captured)).toBe(true);
    expect(hasRedactedQuery('/v1/chat/completions?x=[redacted]')).toBe(false);
    expect(fillRedactedQuery(captured, 'AIza new&key')).toBe(
      '/v1beta/models/g:generateContent?alt=sse&key=AIza%20new%26key',
    );
  });
});
