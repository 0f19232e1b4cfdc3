import { describe, expect, it } from 'vitest';
import { resendPlan } from '../../../electron/resend/resend-request.ts';
import { jsonRecord } from '../../support/sample-records.ts';

describe('resendPlan', () => {
  // A Gemini-style call: the key was in the URL, and no auth header was sent.
  const template = jsonRecord();
  const record = {
    ...template,
    api: 'http' as const,
    path: '/v1beta/models/g:generateContent?key=[redacted]',
    request: { ...template.request, headers: { 'content-type': 'application/json' } },
  };

  it('asks for the key again when the recording had one in its URL', () => {
    expect(() => resendPlan(record, {}, { OPENAI_API_KEY: 'sk-not-for-urls' }, 'n1')).toThrow(
      /key in its URL/,
    );
  });

  it('puts the given key back into the URL', () => {
    const plan = resendPlan(record, { apiKey: 'AIza-given' }, {}, 'n1');
    expect(plan.path).toBe('/v1beta/models/g:generateContent?key=AIza-given');
  });

  it('never adds a key from the environment to a request that carried none', () => {
    const keyless = { ...record, path: '/v1/models' };
    const plan = resendPlan(keyless, {}, { OPENAI_API_KEY: 'sk-env-key' }, 'n1');
    expect(JSON.stringify(plan)).not.toContain('sk-env-key');
    expect(plan.headers.authorization).toBeUndefined();
  });
});

describe('the key a resend takes from the environment', () => {
  it('is the one the SDK of the API reads: GEMINI_API_KEY for Gemini, never an OpenAI key', () => {
    const template = jsonRecord();
    const record = {
      ...template,
      api: 'gemini.generate' as const,
      path: '/v1beta/models/gemini-2.5-flash:generateContent',
      request: {
        ...template.request,
        headers: { 'content-type': 'application/json', 'x-goog-api-key': '[redacted]' },
      },
    };
    const plan = resendPlan(record, {}, { OPENAI_API_KEY: 'sk-openai', GEMINI_API_KEY: 'AIza-gemini' }, 'n1');
    expect(plan.headers['x-goog-api-key']).toBe('AIza-gemini');
    expect(JSON.stringify(plan)).not.toContain('sk-openai');
  });
});
