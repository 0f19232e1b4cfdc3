import { describe, expect, it } from 'vitest';
import { detectApi } from '../../../shared/interpreters/api-detect.ts';
import { geminiCall, isJsonArrayStream } from '../../../shared/interpreters/gemini-path.ts';

describe('Gemini paths', () => {
  const cases: [string, string, string, string | null, boolean][] = [
    // method, path, api, model, streamed
    ['POST', '/v1beta/models/gemini-2.5-flash:generateContent', 'gemini.generate', 'gemini-2.5-flash', false],
    [
      'POST',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      'gemini.generate',
      'gemini-2.5-flash',
      true,
    ],
    [
      'POST',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      'gemini.generate',
      'gemini-2.5-flash',
      true,
    ],
    [
      'POST',
      '/v1/models/gemini-2.0-flash:generateContent?key=[redacted]',
      'gemini.generate',
      'gemini-2.0-flash',
      false,
    ],
    [
      'POST',
      '/v1alpha/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      'gemini.generate',
      'gemini-2.5-pro',
      true,
    ],
    ['POST', '/v1beta/models/gemini-2.5-flash:countTokens', 'gemini.count-tokens', 'gemini-2.5-flash', false],
    [
      'POST',
      '/v1beta/tunedModels/my-tuned-7x:generateContent',
      'gemini.generate',
      'tunedModels/my-tuned-7x',
      false,
    ],
    [
      'POST',
      '/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      'gemini.generate',
      'gemini-2.5-flash',
      true,
    ],
    [
      'POST',
      '/v1beta1/projects/p/locations/global/publishers/google/models/gemini-2.5-pro:countTokens',
      'gemini.count-tokens',
      'gemini-2.5-pro',
      false,
    ],
    [
      'POST',
      '/v1/projects/p/locations/l/endpoints/1234567:generateContent',
      'gemini.generate',
      'endpoints/1234567',
      false,
    ],
    [
      'POST',
      '/v1/publishers/google/models/gemini-2.5-flash:generateContent',
      'gemini.generate',
      'gemini-2.5-flash',
      false,
    ],
    // Behind a route prefix, and as a forward proxy's absolute URL.
    [
      'POST',
      '/gemini/v1beta/models/gemini-2.5-flash:generateContent',
      'gemini.generate',
      'gemini-2.5-flash',
      false,
    ],
    [
      'POST',
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
      'gemini.generate',
      'gemini-2.5-flash',
      false,
    ],
    [
      'POST',
      '/v1beta/models/gemini%2D2.5-flash:generateContent',
      'gemini.generate',
      'gemini-2.5-flash',
      false,
    ],
    // Not model calls: listing, other methods, no version, other publishers' methods.
    ['GET', '/v1beta/models/gemini-2.5-flash:generateContent', 'http', null, false],
    ['GET', '/v1beta/models', 'http', null, false],
    ['POST', '/v1beta/models/gemini-2.5-flash:embedContent', 'http', null, false],
    ['POST', '/models/gemini-2.5-flash:generateContent', 'http', null, false],
    [
      'POST',
      '/v1/projects/p/locations/l/publishers/anthropic/models/claude:streamRawPredict',
      'http',
      null,
      false,
    ],
    ['POST', '/v1beta/models/a/b:generateContent', 'http', null, false],
  ];
  for (const [method, path, api, model, stream] of cases) {
    it(`${method} ${path} → ${api} ${model ?? ''}`, () => {
      const kind = detectApi(method, path);
      expect(kind).toBe(api);
      if (kind === 'http') return;
      // Gemini's request body names no model; the path does, and whether it streams.
      const call = geminiCall(path);
      expect(call?.model).toBe(model);
      expect(call?.method === 'streamGenerateContent').toBe(stream);
    });
  }

  it('keeps a path segment that is not valid percent-encoding as it is', () => {
    expect(geminiCall('/v1beta/models/bad%E0:generateContent')).toEqual({
      model: 'bad%E0',
      method: 'generateContent',
    });
  });

  it('calls a response a JSON-array stream only for streamGenerateContent answered with JSON and 2xx', () => {
    const path = '/v1beta/models/gemini-2.5-flash:streamGenerateContent';
    expect(isJsonArrayStream(path, 200, 'application/json; charset=UTF-8')).toBe(true);
    expect(isJsonArrayStream(`${path}?alt=sse`, 200, 'text/event-stream')).toBe(false);
    expect(isJsonArrayStream(path, 429, 'application/json; charset=UTF-8')).toBe(false);
    expect(isJsonArrayStream(path, 200, 'application/x-ndjson')).toBe(false);
    expect(
      isJsonArrayStream('/v1beta/models/gemini-2.5-flash:generateContent', 200, 'application/json'),
    ).toBe(false);
  });
});
