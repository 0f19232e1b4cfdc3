import { describe, expect, it } from 'vitest';
import { azureDeployment, detectApi, readRequestMeta } from '../../../shared/interpreters/api-detect.ts';

describe('detectApi', () => {
  const cases: [string, string, string][] = [
    ['POST', '/v1/chat/completions', 'openai.chat'],
    ['post', '/v1/chat/completions?foo=bar', 'openai.chat'],
    ['POST', '/chat/completions', 'openai.chat'],
    ['POST', '/api/v1/chat/completions', 'openai.chat'],
    ['POST', '/v1/chat/completions/', 'openai.chat'],
    ['POST', 'https://api.openai.com/v1/chat/completions', 'openai.chat'],
    ['GET', '/v1/chat/completions', 'http'],
    ['POST', '/v1/responses', 'openai.responses'],
    ['GET', '/v1/responses/resp_123', 'http'],
    ['POST', '/v1/responses/resp_123/cancel', 'http'],
    ['POST', '/v1/embeddings', 'openai.embeddings'],
    ['POST', '/v1/messages', 'anthropic.messages'],
    ['POST', '/anthropic/v1/messages?beta=true', 'anthropic.messages'],
    ['POST', '/v1/messages/count_tokens', 'http'],
    ['POST', '/api/chat', 'ollama.chat'],
    ['POST', '/api/generate', 'ollama.generate'],
    ['POST', '/api/embed', 'ollama.embed'],
    ['POST', '/v1/audio/transcriptions', 'openai.transcriptions'],
    [
      'POST',
      '/openai/deployments/whisper/audio/transcriptions?api-version=2024-06-01',
      'azure.transcriptions',
    ],
    ['POST', '/v1/audio/speech', 'http'],
    ['GET', '/api/tags', 'http'],
    ['POST', '/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21', 'azure.chat'],
    ['POST', '/openai/deployments/my%20dep/embeddings?api-version=2024-10-21', 'azure.embeddings'],
    ['POST', '/openai/deployments/gpt-4o/responses?api-version=2025-04-01-preview', 'azure.responses'],
    ['POST', '/openai/deployments/gpt-4o/completions?api-version=2024-10-21', 'azure.completions'],
    ['POST', '/openai/v1/chat/completions', 'azure.chat'],
    ['POST', '/openai/v1/responses?api-version=preview', 'azure.responses'],
    ['POST', '/openai/v1/embeddings', 'azure.embeddings'],
    ['POST', '/openai/responses?api-version=2025-03-01-preview', 'azure.responses'],
    ['GET', '/openai/v1/models', 'http'],
    ['POST', '/v1/completions', 'openai.completions'],
    ['POST', '/', 'http'],
    ['POST', '', 'http'],
  ];
  for (const [method, path, api] of cases) {
    it(`${method} ${path} → ${api}`, () => {
      expect(detectApi(method, path)).toBe(api);
    });
  }
});

describe('azureDeployment', () => {
  it('reads the deployment name, decoded', () => {
    expect(azureDeployment('/openai/deployments/gpt-4o-prod/chat/completions?api-version=1')).toBe(
      'gpt-4o-prod',
    );
    expect(azureDeployment('/openai/deployments/my%20dep/embeddings')).toBe('my dep');
    expect(azureDeployment('/openai/deployments/bad%E0/embeddings')).toBe('bad%E0');
  });
  it('is null for other paths', () => {
    expect(azureDeployment('/openai/v1/chat/completions')).toBeNull();
    expect(azureDeployment('/v1/chat/completions')).toBeNull();
  });
});

describe('readRequestMeta', () => {
  it('reads model and stream flag', () => {
    const body = '{"model":"gpt-4o","stream":true,"messages":[]}';
    expect(readRequestMeta('openai.chat', body)).toEqual({
      model: 'gpt-4o',
      stream: true,
      json: { model: 'gpt-4o', stream: true, messages: [] },
    });
    expect(readRequestMeta('openai.chat', '{"model":"gpt-4o"}').stream).toBe(false);
    expect(
      readRequestMeta('anthropic.messages', '{"model":"claude-sonnet-4-6","stream":false}'),
    ).toMatchObject({
      model: 'claude-sonnet-4-6',
      stream: false,
    });
  });

  it('treats Ollama native as streaming unless stream is false', () => {
    expect(readRequestMeta('ollama.chat', '{"model":"llama3.2"}')).toMatchObject({
      model: 'llama3.2',
      stream: true,
    });
    expect(readRequestMeta('ollama.chat', '{"model":"llama3.2","stream":false}').stream).toBe(false);
  });

  it('does not take an Azure body model as the model', () => {
    expect(readRequestMeta('azure.chat', '{"model":"my-deployment","stream":true}')).toMatchObject({
      model: null,
      stream: true,
    });
  });

  it('tolerates malformed or odd bodies', () => {
    expect(readRequestMeta('openai.chat', '{"model":')).toEqual({
      model: null,
      stream: false,
      json: undefined,
    });
    expect(readRequestMeta('openai.chat', '')).toEqual({ model: null, stream: false, json: undefined });
    expect(readRequestMeta('openai.chat', '[1,2]')).toEqual({ model: null, stream: false, json: [1, 2] });
    expect(readRequestMeta('openai.chat', '{"model":42,"stream":"yes"}')).toMatchObject({
      model: null,
      stream: false,
    });
    expect(readRequestMeta('ollama.chat', 'null')).toEqual({ model: null, stream: false, json: null });
  });
});
