/**
 * Copy as code, run for real: a request is captured through the proxy, turned into a cURL,
 * Python or Node snippet, and the snippet is run as a child process against the proxy. The fake
 * upstream must receive the same request body with the key from the environment, never a
 * redaction marker; and the snippet must print the answer.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CodeTarget, copyAsCode, copyableOf } from '../../shared/client/copy-as-code.ts';
import type { ExchangeRecord } from '../../shared/exchange/exchange-record.ts';
import { readFixture } from '../support/fixtures.ts';
import { type Harness, startHarness, TEST_API_KEY } from '../support/tokentap-harness.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
let h: Harness;
let dir: string;

beforeAll(async () => {
  // Inside the repo, so the snippets' `import 'openai'` resolves from its node_modules.
  await rm(join(repoRoot, 'test-results/copy-as-code'), { recursive: true, force: true });
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(repoRoot, 'test-results'), { recursive: true });
  dir = await mkdtemp(join(repoRoot, 'test-results/copy-as-code-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** A Python that has `module` (Debian's python3-httpx lands in /usr/bin/python3's packages), or null. */
function pythonWith(module: string): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      // The interpreter's own path: a pyenv shim may pick another Python in the snippet's environment.
      return execFileSync(python, ['-c', `import ${module}, sys; print(sys.executable)`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      // next
    }
  }
  return null;
}
const pythonHttpx = pythonWith('httpx');
if (!pythonHttpx)
  console.warn(
    'copy-as-code: no Python with httpx (apt-get install python3-httpx): the httpx snippet is not run',
  );

/** Runs a snippet with the key in the environment the way a user would; resolves with its stdout. */
function runSnippet(target: CodeTarget, code: string, env: Record<string, string>): Promise<string> {
  const file = join(
    dir,
    `snippet-${Math.random().toString(36).slice(2)}.${target === 'node' ? 'mjs' : target === 'python' ? 'py' : 'sh'}`,
  );
  const [command, args] =
    target === 'node'
      ? [process.execPath, [file]]
      : target === 'python'
        ? [pythonHttpx ?? 'python3', [file]]
        : ['sh', [file]];
  return writeFile(file, `${code}\n`).then(
    () =>
      new Promise((resolve, reject) => {
        execFile(
          command,
          args,
          { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 },
          (error, stdout, stderr) => {
            if (error)
              reject(
                new Error(`${target} snippet failed: ${error.message}\n${stderr}\n--- code ---\n${code}`),
              );
            else resolve(stdout);
          },
        );
      }),
  );
}

async function captureChatStream(): Promise<ExchangeRecord> {
  h.upstream.respond('POST /v1/chat/completions', {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: readFixture('openai-chat-stream-usage.sse'),
  });
  const stream = await h.openai.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'It\'s "quoted" and $HOME stays literal' }],
    temperature: 0.2,
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const _ of stream) {
    // drain
  }
  await h.upstream.nextRequest();
  return h.nextRecord();
}

/** Runs `code`, then checks that the upstream got the original body and the key from the environment. */
async function expectReplayed(
  target: CodeTarget,
  code: string,
  original: ExchangeRecord,
  key: { header: string; value: string },
): Promise<string> {
  expect(code).not.toContain(TEST_API_KEY);
  expect(code).not.toContain('[redacted]');
  const seen = h.upstream.nextRequest();
  const stdout = await runSnippet(target, code, {
    OPENAI_API_KEY: TEST_API_KEY,
    ANTHROPIC_API_KEY: TEST_API_KEY,
  });
  const received = await seen;
  expect(JSON.parse(received.body.toString())).toEqual(JSON.parse(original.request.body));
  expect(received.headers[key.header], JSON.stringify(received.headers)).toBe(key.value);
  return stdout;
}

describe('copy as code, run against the proxy', () => {
  it.each(['node', 'curl'] as const)('an OpenAI chat stream as %s', async (target) => {
    const original = await captureChatStream();
    h.upstream.respond('POST /v1/chat/completions', {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: readFixture('openai-chat-stream-usage.sse'),
    });
    const code = copyAsCode(copyableOf(original), target, h.proxyUrl);
    if (target === 'node') expect(code).toContain("import OpenAI from 'openai'");
    const stdout = await expectReplayed(target, code, original, {
      header: 'authorization',
      value: `Bearer ${TEST_API_KEY}`,
    });
    expect(stdout).toContain('Mexico');
  });

  it('a plain HTTP request (Ollama) as Node fetch and curl', async () => {
    const answer = readFixture('ollama-api-chat-nonstream.json');
    h.upstream.respond('POST /api/chat', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: answer,
    });
    await request(`${h.proxyUrl}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }], stream: false }),
    }).then((r) => r.body.text());
    await h.upstream.nextRequest();
    const original = await h.nextRecord();
    expect(original.api).toBe('ollama.chat');
    for (const target of ['node', 'curl'] as const) {
      h.upstream.respond('POST /api/chat', {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: answer,
      });
      const code = copyAsCode(copyableOf(original), target, h.proxyUrl);
      if (target === 'node') expect(code).toContain('await fetch(');
      const stdout = await expectReplayed(target, code, original, {
        header: 'authorization',
        value: `Bearer ${TEST_API_KEY}`,
      });
      expect(stdout).toContain('200');
    }
  });

  it('an Anthropic message as Node with the Anthropic SDK', async () => {
    const answer = readFixture('anthropic-messages-nonstream.json');
    h.upstream.respond('POST /v1/messages', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: answer,
    });
    const client = new Anthropic({ apiKey: TEST_API_KEY, baseURL: h.proxyUrl, maxRetries: 0 });
    await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    await h.upstream.nextRequest();
    const original = await h.nextRecord();
    expect(original.api).toBe('anthropic.messages');
    h.upstream.respond('POST /v1/messages', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: answer,
    });
    const code = copyAsCode(copyableOf(original), 'node', h.proxyUrl);
    expect(code).toContain("import Anthropic from '@anthropic-ai/sdk'");
    // The SDK sends its key the way the original did (this SDK version: Authorization: Bearer).
    const keyHeader = 'x-api-key' in original.request.headers ? 'x-api-key' : 'authorization';
    const stdout = await expectReplayed('node', code, original, {
      header: keyHeader,
      value: keyHeader === 'x-api-key' ? TEST_API_KEY : `Bearer ${TEST_API_KEY}`,
    });
    expect(stdout).toContain('"type": "message"');
  });

  it.runIf(pythonHttpx !== null)('a plain HTTP stream as Python httpx', async () => {
    const original = await captureChatStream();
    // Not an SDK call once it carries a query: the generic client is used.
    const withQuery = { ...copyableOf(original), path: '/v1/chat/completions?trace=1', api: 'http' as const };
    h.upstream.respond('POST /v1/chat/completions', {
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: readFixture('openai-chat-stream-usage.sse'),
    });
    const code = copyAsCode(withQuery, 'python', h.proxyUrl);
    expect(code).toContain('httpx.stream(');
    const stdout = await expectReplayed('python', code, original, {
      header: 'authorization',
      value: `Bearer ${TEST_API_KEY}`,
    });
    expect(stdout).toContain('[DONE]');
  });

  it('Python SDK snippets compile (the openai and anthropic Python packages cannot be installed here)', async () => {
    const original = await captureChatStream();
    const code = copyAsCode(copyableOf(original), 'python', h.proxyUrl);
    expect(code).toContain('from openai import OpenAI');
    expect(code).toContain('stream=True');
    const file = join(dir, 'sdk-snippet.py');
    await writeFile(file, code);
    execFileSync('python3', ['-m', 'py_compile', file]);
  });
});
