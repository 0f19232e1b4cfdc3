import { describe, expect, it } from 'vitest';
import { apiKeyOf, fingerprintApiKey } from '../../../electron/proxy/tenant-fingerprint.ts';

const KEY = 'AIzaSyTESTtenantKEY0123456789abcd';

describe('apiKeyOf', () => {
  it.each([
    ['Authorization: Bearer', { authorization: `Bearer ${KEY}` }, '/v1/chat/completions'],
    ['x-api-key (Anthropic)', { 'x-api-key': KEY }, '/v1/messages'],
    ['api-key (Azure)', { 'api-key': KEY }, '/openai/deployments/d/chat/completions'],
    ['x-goog-api-key (Gemini SDKs)', { 'x-goog-api-key': KEY }, '/v1beta/models/g:generateContent'],
    ['ocp-apim-subscription-key (Azure APIM)', { 'ocp-apim-subscription-key': KEY }, '/chat'],
    ['?key= (Gemini REST)', {}, `/v1beta/models/g:generateContent?alt=sse&key=${KEY}`],
    ['?KEY= percent-encoded', {}, `/v1beta/models/g:generateContent?KEY=${encodeURIComponent(KEY)}`],
    [';api_key=', {}, `/x?a=1;api_key=${KEY}`],
  ])('finds the key in %s', (_where, headers, path) => {
    expect(apiKeyOf(headers, path)).toBe(KEY);
  });

  it('gives null without a key, and the same tenant for one key wherever it was', () => {
    expect(apiKeyOf({}, '/v1beta/models?pageToken=abc')).toBeNull();
    expect(fingerprintApiKey(apiKeyOf({ 'x-goog-api-key': KEY }) as string)).toBe(
      fingerprintApiKey(apiKeyOf({}, `/x?key=${KEY}`) as string),
    );
  });
});
