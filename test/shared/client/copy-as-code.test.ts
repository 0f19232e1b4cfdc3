import { describe, expect, it } from 'vitest';
import { type CopyableRequest, copyAsCode } from '../../../shared/client/copy-as-code.ts';

const gemini: CopyableRequest = {
  method: 'POST',
  path: '/v1beta/models/gemini-2.5-flash:generateContent?key=%5Bredacted%5D',
  api: 'http',
  headers: { 'content-type': 'application/json', 'x-goog-api-client': 'genai-js/1.0' },
  body: '{"contents":[{"parts":[{"text":"It\'s $HOME"}]}]}',
};

describe('copy as code', () => {
  it('puts a key that travelled in the query back from GEMINI_API_KEY, in every language', () => {
    const curl = copyAsCode(gemini, 'curl', 'https://generativelanguage.googleapis.com/');
    expect(curl).toContain(
      'curl -X POST "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=$GEMINI_API_KEY"',
    );
    // The body stays literal for the shell: single quotes, the apostrophe escaped.
    expect(curl).toContain(`--data-raw '{"contents":[{"parts":[{"text":"It'\\''s $HOME"}]}]}'`);
    expect(copyAsCode(gemini, 'node', 'http://127.0.0.1:3000')).toContain(
      '${encodeURIComponent(process.env.GEMINI_API_KEY',
    );
    expect(copyAsCode(gemini, 'python', 'http://127.0.0.1:3000')).toContain(
      "{quote(os.environ['GEMINI_API_KEY'])}",
    );
    for (const target of ['curl', 'python', 'node'] as const) {
      expect(copyAsCode(gemini, target, 'http://127.0.0.1:3000')).not.toMatch(/redacted/i);
    }
  });

  it('keeps headers the API needs and drops what the client sets itself', () => {
    const request: CopyableRequest = {
      method: 'POST',
      path: '/v1/messages',
      api: 'anthropic.messages',
      headers: {
        'x-api-key': '[redacted]',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'prompt-caching-2024-07-31',
        'content-length': '120',
        'user-agent': 'Anthropic/JS 0.60.0',
        'x-stainless-retry-count': '0',
        host: '127.0.0.1:3000',
      },
      body: '{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}',
    };
    const curl = copyAsCode(request, 'curl', 'https://api.anthropic.com');
    expect(curl).toContain(`-H 'anthropic-beta: prompt-caching-2024-07-31'`);
    expect(curl).toContain('-H "x-api-key: $ANTHROPIC_API_KEY"');
    expect(curl).not.toMatch(/content-length|user-agent|x-stainless|host:/);
    const python = copyAsCode(request, 'python', 'https://api.anthropic.com');
    expect(python).toContain('client = Anthropic(base_url="https://api.anthropic.com")');
    expect(python).toContain('max_tokens=64,');
    expect(python).toContain('"anthropic-beta": "prompt-caching-2024-07-31"');
  });
});
