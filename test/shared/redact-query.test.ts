import { describe, expect, it } from 'vitest';
import { fillRedactedQuery, hasRedactedQuery, redactQuery } from '../../shared/redact-query.ts';

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

describe('fillRedactedQuery', () => {
  it('puts a key back where it was redacted, encoded, and nowhere else', () => {
    const captured = redactQuery('/v1beta/models/g:generateContent?alt=sse&key=AIza-old');
    expect(hasRedactedQuery(captured)).toBe(true);
    expect(hasRedactedQuery('/v1/chat/completions?x=[redacted]')).toBe(false);
    expect(fillRedactedQuery(captured, 'AIza new&key')).toBe(
      '/v1beta/models/g:generateContent?alt=sse&key=AIza%20new%26key',
    );
  });
});
