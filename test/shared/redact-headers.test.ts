import { describe, expect, it } from 'vitest';
import { isSecretHeader, REDACTED, redactHeaders } from '../../shared/redact-headers.ts';

/** Every provider's and gateway's auth headers, request and response side: all redacted. */
const SECRET_HEADER_TABLE: ReadonlyArray<readonly [provider: string, header: string]> = [
  ['OpenAI, Mistral, Groq, Cohere, OpenRouter, xAI, DeepSeek, Vertex AI', 'authorization'],
  ['OpenAI (some gateways)', 'openai-api-key'],
  ['Anthropic', 'x-api-key'],
  ['Anthropic (some gateways)', 'anthropic-api-key'],
  ['Azure OpenAI', 'api-key'],
  ['Azure API Management', 'ocp-apim-subscription-key'],
  ['Gemini (every SDK call)', 'x-goog-api-key'],
  ['Google IAP', 'x-goog-iap-jwt-assertion'],
  ['AWS Bedrock SigV4', 'x-amz-security-token'],
  ['AWS presigned', 'x-amz-signature'],
  ['Cloudflare AI Gateway', 'cf-aig-authorization'],
  ['Helicone', 'helicone-auth'],
  ['Portkey', 'x-portkey-api-key'],
  ['Portkey virtual key', 'x-portkey-virtual-key'],
  ['LiteLLM', 'x-litellm-api-key'],
  ['generic gateways', 'x-auth-token'],
  ['generic gateways', 'x-access-token'],
  ['generic gateways', 'x-api-token'],
  ['OAuth proxies', 'x-forwarded-access-token'],
  ['GitLab-style', 'private-token'],
  ['webhooks', 'x-hub-signature-256'],
  ['CSRF', 'x-csrf-token'],
  ['proxies', 'proxy-authorization'],
  ['browsers', 'cookie'],
  ['servers', 'set-cookie'],
  ['session gateways', 'x-session-token'],
  ['client secrets', 'x-client-secret'],
  ['passwords', 'x-password'],
  ['credentials', 'x-credentials'],
];

/** Look-alikes providers really send that count or name things: kept as they are. */
const VISIBLE_HEADER_TABLE: readonly string[] = [
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-tokens-minute',
  'anthropic-ratelimit-tokens-limit',
  'anthropic-ratelimit-input-tokens-remaining',
  'anthropic-ratelimit-output-tokens-reset',
  'ratelimit-remaining',
  'x-amzn-bedrock-input-token-count',
  'x-amzn-bedrock-output-token-count',
  'x-amzn-bedrock-cache-read-input-token-count',
  'x-amz-date',
  'x-amz-content-sha256',
  'x-amzn-requestid',
  'openai-processing-ms',
  'openai-organization',
  'openai-project',
  'openai-version',
  'x-request-id',
  'x-goog-api-client',
  'x-goog-user-project',
  'x-goog-request-params',
  'x-goog-upload-protocol',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-organization-id',
  'x-stainless-retry-count',
  'apim-request-id',
  'azureml-model-session',
  'x-ms-region',
  'x-litellm-key-spend',
  'x-litellm-key-max-budget',
  'helicone-session-id',
  'cf-aig-cache-key',
  'idempotency-key',
  'sec-websocket-key',
  'www-authenticate',
  'keep-alive',
  'content-type',
  'content-security-policy',
  'x-tokentap-replay',
  'x-tokentap-resent-from',
  ':authority',
];

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
  it('hands over the secret values it replaced, and the credentials inside them', () => {
    const secrets: string[] = [];
    const out = redactHeaders(
      {
        authorization: 'Bearer sk-proj-abcdef0123456789',
        'x-goog-api-key': 'AIzaSyTESTgoogleKEY01234',
        cookie: 'sessionid=cookieSECRET123456; theme=dark',
        'set-cookie': ['sid=setCookieSECRET999; Path=/v1/chat/completions; HttpOnly'],
        'x-ratelimit-remaining-tokens': '29000',
      },
      secrets,
    );
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
    const secrets: string[] = [];
    redactHeaders(
      {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
        'proxy-authorization': `Basic ${btoa('user:hunter2hunter2')}`,
      },
      secrets,
    );
    expect(secrets).toContain('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
    expect(secrets).toContain('AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request');
    expect(secrets).toContain('hunter2hunter2');
    expect(secrets).not.toContain('AWS4-HMAC-SHA256');
  });
});
