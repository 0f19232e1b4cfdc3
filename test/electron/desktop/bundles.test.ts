import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, parseAst } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FromWorker, packEvents, type ToWorker } from '../../../electron/capture/analysis-protocol.ts';
import { cspFromHtml, scriptSourceProblems } from '../../../electron/desktop/content-security-policy.ts';
import type { CaptureEvent } from '../../../shared/exchange/capture-events.ts';
import { startAnalysisWorker, stopAnalysisWorker } from '../../support/analysis-worker.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BUILTINS = new Set(builtinModules);
let out = '';
let rendererDir = '';

/** Every module a bundle loads at run time: static and dynamic imports, re-exports and require calls. */
function runtimeImports(code: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown> & { type?: string };
    const literal = (value: unknown) => {
      const source = value as { type?: string; value?: unknown } | null;
      if (source?.type === 'Literal' && typeof source.value === 'string') found.push(source.value);
      else if (source) found.push(`(computed: ${source.type})`);
    };
    if (
      n.type === 'ImportDeclaration' ||
      n.type === 'ExportAllDeclaration' ||
      (n.type === 'ExportNamedDeclaration' && n.source)
    ) {
      literal(n.source);
    } else if (n.type === 'ImportExpression') {
      literal(n.source);
    } else if (n.type === 'CallExpression') {
      const callee = n.callee as { type?: string; name?: string };
      if (callee.type === 'Identifier' && (callee.name === 'require' || callee.name === '__require')) {
        literal((n.arguments as unknown[])[0]);
      }
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'type') visit(value);
  };
  visit(parseAst(code));
  return [...new Set(found)].sort();
}

const isNodeBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0] ?? '');

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'tokentap-bundles-'));
  // As in the package: dist/electron/*.js under a package.json that makes .js files ES modules.
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const mode of ['main', 'preload', 'worker', 'files']) {
    await build({
      configFile: join(ROOT, 'vite.electron.config.ts'),
      root: ROOT,
      mode,
      logLevel: 'warn',
      build: { outDir: join(out, 'electron') },
    });
  }
  // The renderer from its own vite.config.ts, into a folder of ours: dist/renderer may be rebuilt
  // by `npm start` in another test at the same time.
  rendererDir = join(out, 'renderer');
  await build({
    configFile: join(ROOT, 'vite.config.ts'),
    root: join(ROOT, 'renderer'),
    logLevel: 'warn',
    build: { outDir: rendererDir, emptyOutDir: true },
  });
}, 60_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('built bundles', () => {
  it('the main bundle imports only electron and Node built-ins at run time', async () => {
    const code = await readFile(join(out, 'electron', 'main.js'), 'utf8');
    const imports = runtimeImports(code);
    expect(imports).toContain('electron');
    expect(imports.filter((s) => s !== 'electron' && !isNodeBuiltin(s))).toEqual([]);
    // The dependencies are inside it, not loaded from node_modules.
    expect(code).toMatch(/\bPool = class extends PoolBase\b/);
    // The README's quick start is put in at build time.
    expect(code).toContain('base_url');
    expect(code).not.toContain('__TOKENTAP_QUICK_START__');
  });

  it('the main bundle is an ES module that finds the preload and the renderer next to it', async () => {
    const code = await readFile(join(out, 'electron', 'main.js'), 'utf8');
    expect(code).toMatch(/^import /m);
    expect(code).toContain('"preload.cjs"');
    expect(code).toMatch(/"\.\.", "renderer", "index\.html"/);
  });

  it('the preload is CommonJS that requires nothing but electron (a sandboxed preload can do no more)', async () => {
    const code = await readFile(join(out, 'electron', 'preload.cjs'), 'utf8');
    expect(runtimeImports(code)).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).toMatch(/exposeInMainWorld\("tokentap"/);
    // The contract's channel names are bundled in, not imported.
    expect(code).toContain('"exchanges.list"');
  });

  it('the analysis worker is an ES module of its own next to main.js, importing only Node built-ins', async () => {
    const code = await readFile(join(out, 'electron', 'analysis-worker.js'), 'utf8');
    // A worker thread has no `electron`, and the package ships no node_modules. The one computed
    // import is the analyzers module a test may name in workerData.
    const imports = runtimeImports(code).filter((s) => !s.startsWith('(computed'));
    expect(imports).toContain('node:worker_threads');
    expect(imports.filter((s) => !isNodeBuiltin(s))).toEqual([]);
    expect(code).toMatch(/^import \{[^}]*\bparentPort\b[^}]*\} from "node:worker_threads";$/m);
    // The pipeline is inside it, not a chunk beside it.
    expect(code).toMatch(/\bCapturePipeline = class\b/);
    // main.js starts it from its own folder.
    const main = await readFile(join(out, 'electron', 'main.js'), 'utf8');
    expect(main).toContain('"./analysis-worker.js"');
  });

  it('the analysis worker bundle runs as a worker thread and analyses an exchange', async () => {
    const worker = startAnalysisWorker(join(out, 'electron', 'analysis-worker.js'));
    try {
      const received: FromWorker[] = [];
      const answered = new Promise<void>((resolve, reject) => {
        worker.on('message', (message: FromWorker) => {
          received.push(message);
          if (message.type === 'answer') resolve();
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before answering`)));
      });
      const exchangeId = 'bundle-check';
      const request = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      const response = JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: 'gpt-4o-2024-08-06',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 },
      });
      const events: CaptureEvent[] = [
        {
          type: 'request-start',
          exchangeId,
          t: 0,
          startedAt: Date.now(),
          method: 'POST',
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json' },
          tenant: null,
          organization: null,
          project: null,
        },
        { type: 'request-body-part', exchangeId, t: 0.1, data: Buffer.from(request) },
        { type: 'request-end', exchangeId, t: 0.2 },
        {
          type: 'response-head',
          exchangeId,
          t: 1,
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
        { type: 'response-body-part', exchangeId, t: 1.1, data: Buffer.from(response) },
        { type: 'response-end', exchangeId, t: 1.2 },
      ];
      worker.postMessage(packEvents(events, new Set()) satisfies ToWorker);
      worker.postMessage({ type: 'query', id: 1, query: 'idle' } satisfies ToWorker);
      await answered;
      const records = received.flatMap((m) => (m.type === 'records' ? m.exchanges : []));
      expect(records.map((r) => r.summary)).toMatchObject([
        { id: exchangeId, api: 'openai.chat', model: 'gpt-4o-2024-08-06', state: 'complete' },
      ]);
      // Priced by the bundled genai-prices.
      expect(records[0]?.summary.costUsd).toBeGreaterThan(0);
      expect(JSON.parse(Buffer.from(records[0]?.line ?? []).toString()).merged.text).toBe('Hello!');
    } finally {
      await stopAnalysisWorker(worker);
    }
  });

  it('the renderer bundle has no Node imports', async () => {
    const scripts = await filesUnder(rendererDir, '.js');
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts) {
      const code = await readFile(file, 'utf8');
      const imports = runtimeImports(code);
      expect(
        imports.filter((s) => isNodeBuiltin(s) || s === 'electron' || !/^(\.{1,2}\/|\/)/.test(s)),
      ).toEqual([]);
      expect(code).not.toMatch(/\brequire\(\s*["'](node:|electron)/);
    }
  });

  it('the renderer page carries a strict Content-Security-Policy', async () => {
    const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
    const csp = cspFromHtml(html);
    expect(csp).not.toBeNull();
    expect(scriptSourceProblems(csp ?? '')).toEqual([]);
    expect(csp).toMatch(/object-src 'none'/);
    // No inline scripts for the policy to have to allow.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
