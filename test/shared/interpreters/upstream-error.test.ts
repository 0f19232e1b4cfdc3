import { describe, expect, it } from 'vitest';
import { readUpstreamError } from '../../../shared/interpreters/upstream-error.ts';
import { fixtureText } from '../fixtures.ts';

describe('readUpstreamError on real error bodies', () => {
  it('OpenAI: type, code and message', () => {
    expect(readUpstreamError(429, fixtureText('openai-error-429-insufficient-quota.json'))).toEqual({
      kind: 'upstream-http-error',
      status: 429,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      message: expect.stringMatching(/^You exceeded your current quota/),
    });
    expect(readUpstreamError(404, fixtureText('openai-error-404-model-not-found.compact.json'))).toEqual({
      kind: 'upstream-http-error',
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      message: 'The model `does-not-exist` does not exist or you do not have access to it.',
    });
  });

  it('Anthropic: the inner error type and message, no code', () => {
    expect(readUpstreamError(529, fixtureText('anthropic-error-529-overloaded.compact.json'))).toEqual({
      kind: 'upstream-http-error',
      status: 529,
      type: 'overloaded_error',
      code: null,
      message: 'Overloaded',
    });
  });

  it('Gemini: the status as type; a numeric code that repeats the HTTP status is no code', () => {
    const error = readUpstreamError(429, fixtureText('gemini-error-429-resource-exhausted.json'));
    expect(error).toMatchObject({ status: 429, type: 'RESOURCE_EXHAUSTED', code: null });
    expect(error.message).toMatch(/^You exceeded your current quota.*Please retry in 58\.217843437s\.$/s);
  });

  it("Gemini: an ErrorInfo's reason is the code, also inside streamGenerateContent's array", () => {
    // The documented shape of an invalid key (google.rpc.ErrorInfo in details).
    const body = JSON.stringify([
      {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        },
      },
    ]);
    expect(readUpstreamError(400, body)).toMatchObject({
      type: 'INVALID_ARGUMENT',
      code: 'API_KEY_INVALID',
      message: 'API key not valid. Please pass a valid API key.',
    });
  });

  it('an HTML page: its title', () => {
    expect(readUpstreamError(502, fixtureText('nginx-error-502.html'))).toEqual({
      kind: 'upstream-http-error',
      status: 502,
      type: null,
      code: null,
      message: '502 Bad Gateway',
    });
  });

  it('plain text: the text, on one line', () => {
    expect(readUpstreamError(404, fixtureText('ollama-error-404-page-not-found.txt')).message).toBe(
      '404 page not found',
    );
    expect(readUpstreamError(500, 'Internal\n  Server Error\n').message).toBe('Internal Server Error');
  });

  it('Ollama, Mistral and FastAPI flat shapes', () => {
    expect(
      readUpstreamError(404, '{"error":"model \\"llama9\\" not found, try pulling it first"}'),
    ).toMatchObject({
      type: null,
      code: null,
      message: 'model "llama9" not found, try pulling it first',
    });
    expect(
      readUpstreamError(
        400,
        '{"object":"error","message":"Invalid model: mistral-huge","type":"invalid_model","param":null,"code":"1500"}',
      ),
    ).toMatchObject({ type: 'invalid_model', code: '1500', message: 'Invalid model: mistral-huge' });
    expect(readUpstreamError(404, '{"detail":"Not Found"}').message).toBe('Not Found');
    expect(
      readUpstreamError(422, '{"detail":[{"loc":["body","model"],"msg":"Field required","type":"missing"}]}')
        .message,
    ).toBe('Field required');
  });

  it('an SSE body carrying the error in its first data line', () => {
    const body =
      'event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n';
    expect(readUpstreamError(429, body)).toMatchObject({ type: 'rate_limit_error', message: 'slow down' });
  });

  it('an empty or unreadable body: the status; a huge one is cut', () => {
    expect(readUpstreamError(529, '').message).toBe('HTTP 529');
    expect(readUpstreamError(400, '{"error": {"message": "cut off').message).toBe(
      '{"error": {"message": "cut off',
    );
    expect(readUpstreamError(500, 'x'.repeat(5000)).message).toHaveLength(1000);
  });
});
