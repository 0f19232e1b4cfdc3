/**
 * The proxies the benchmark measures side by side, each started the way its users run it:
 * Tokentap as the `npm run serve` process (proxy, analysis worker, session writer and UI server),
 * a bare node:http pipe, HTTP Toolkit's engine (mockttp), and nginx and mitmproxy when installed.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BenchChild, type ProcessStats } from './ipc.ts';
import { childPids, procStats } from './proc-stats.ts';

/** A running proxy: where to send traffic, how much CPU and memory it uses, how to stop it. */
export interface ProxyUnderTest {
  /** Short arm name used in tables (`tokentap`, `bare`, `mockttp`, `nginx`, `mitmproxy`). */
  name: string;
  /** What it is, in a few words, for the report. */
  description: string;
  url: string;
  stats(): Promise<ProcessStats>;
  /** A full garbage collection, where the process exposes it (forked children started with --expose-gc). */
  gc?(): Promise<void>;
  stop(): Promise<void>;
}

/** A peer that could not be started, and why (e.g. not installed). */
export interface MissingPeer {
  name: string;
  reason: string;
}

const repoRoot = new URL('../../', import.meta.url).pathname;

/** A forked bench child (bare pipe, mockttp) as a proxy under test. */
function fromChild(name: string, description: string, child: BenchChild): ProxyUnderTest {
  return {
    name,
    description,
    url: child.url,
    stats: () => child.stats(),
    async gc() {
      await child.command('gc');
    },
    stop: () => child.stop(),
  };
}

/** `nodeArgs`: more Node options (`--cpu-prof`). */
export async function startBare(
  upstreamUrl: string,
  nodeArgs: readonly string[] = [],
): Promise<ProxyUnderTest> {
  const child = await BenchChild.start(
    new URL('./proxy-process.ts', import.meta.url),
    ['bare', upstreamUrl],
    ['--expose-gc', ...nodeArgs],
  );
  return fromChild('bare', 'bare node:http pipe, no capture', child);
}

/**
 * The bare pipe appending every exchange (its heads as a JSON line, its bodies as they are) to a file on its one thread: the least
 * any capturing Node proxy does, so the part of Tokentap's cost that is recording at all shows.
 */
export async function startCaptureFloor(
  upstreamUrl: string,
  nodeArgs: readonly string[] = [],
): Promise<ProxyUnderTest> {
  const child = await BenchChild.start(
    new URL('./proxy-process.ts', import.meta.url),
    ['floor', upstreamUrl],
    ['--expose-gc', ...nodeArgs],
  );
  return fromChild(
    'floor',
    'bare node:http pipe appending each exchange (a JSON head line, then both bodies as they are) to a file, nothing else',
    child,
  );
}

/** Where the bench installs its npm-packaged peer (mockttp), apart from the project's dependencies. */
const peersDir = new URL('../../bench-results/peers/', import.meta.url).pathname;

/**
 * mockttp in the bench's own folder, installed on first use: as a project dependency its optional
 * `tls-impersonate@^0.2.1`, which the registry does not have, makes `npm ci` refuse the lockfile.
 */
async function mockttpInstalled(): Promise<string | null> {
  const { createRequire } = await import('node:module');
  const { mkdir } = await import('node:fs/promises');
  const resolvable = (): boolean => {
    try {
      createRequire(`${peersDir}package.json`).resolve('mockttp');
      return true;
    } catch {
      return false;
    }
  };
  if (resolvable()) return null;
  await mkdir(peersDir, { recursive: true });
  await writeFile(`${peersDir}package.json`, '{"private":true}\n');
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', peersDir, 'mockttp@4'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (error) {
    return `could not be installed (npm install mockttp@4: ${error instanceof Error ? error.message : String(error)})`;
  }
  return resolvable() ? null : 'not installed (npm install --prefix bench-results/peers mockttp@4)';
}

export async function startMockttp(upstreamUrl: string): Promise<ProxyUnderTest | MissingPeer> {
  const missing = await mockttpInstalled();
  if (missing !== null) return { name: 'mockttp', reason: missing };
  const child = await BenchChild.start(new URL('./mockttp-process.ts', import.meta.url), [
    upstreamUrl,
    peersDir,
  ]);
  return fromChild('mockttp', "HTTP Toolkit's engine (mockttp thenForwardTo, capturing)", child);
}

/** Ends a spawned process: SIGTERM, then SIGKILL if it is still there after 10 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Resolves with the first line of the child's stdout (or stderr) that `pick` accepts (returns
 * non-null for); rejects on exit or timeout. Later output is drained, so the child never blocks.
 */
function waitForLine<T>(
  child: ChildProcess,
  what: string,
  pick: (line: string) => T | null,
  stream: 'stdout' | 'stderr' = 'stdout',
): Promise<T> {
  return new Promise((resolve, reject) => {
    const input = child[stream];
    if (!input) return reject(new Error(`${what}: no ${stream}`));
    const lines = createInterface({ input });
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 120 s`)), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early (code ${code})`));
    });
    lines.on('line', (line) => {
      const value = pick(line);
      if (value === null) return;
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** A Tokentap started exactly as `npm run serve` starts it, with its own data folder. */
export interface ServeProcess extends ProxyUnderTest {
  /** Pauses or resumes capture through the UI server's API, as the UI's button does. */
  setCapturePaused(paused: boolean): Promise<void>;
  /** Exchanges written to the current session, from the UI server's status. */
  recordsWritten(): Promise<number>;
}

/**
 * `env`: more of Tokentap's environment (routes for the WebSocket scenario); `nodeArgs`: Node
 * options before the entry point (`--cpu-prof`, which profiles every thread, workers included).
 */
export async function startTokentapServe(
  upstreamUrl: string,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  /** The checkout to run (another tree, to compare two versions in one run). */
  root: string = repoRoot,
): Promise<ServeProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokentap-bench-'));
  const token = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'electron/headless.ts')], {
    cwd: root,
    env: {
      ...process.env,
      LISTEN_ADDR: '127.0.0.1:0',
      UI_ADDR: '127.0.0.1:0',
      UPSTREAM: upstreamUrl,
      TOKENTAP_DATA_DIR: dataDir,
      TOKENTAP_TOKEN: token,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const urls: { proxy?: string; ui?: string } = {};
  await waitForLine(child, 'npm run serve', (line) => {
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0];
    if (url && /\bproxy\b/i.test(line) && !urls.proxy) urls.proxy = url;
    else if (url && /\bUI\b/.test(line) && !urls.ui) urls.ui = url;
    return urls.proxy && urls.ui ? true : null;
  });
  // The rest of its output is the user's to read, not the benchmark's.
  child.stdout?.resume();
  const { proxy, ui } = urls as { proxy: string; ui: string };
  const pid = child.pid as number;
  const api = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const response = await fetch(`${ui}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    if (!response.ok) throw new Error(`tokentap ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    name: 'tokentap',
    description: 'Tokentap as `npm run serve` runs it (capturing, UI server and session writer on)',
    url: proxy,
    stats: () => procStats([pid]),
    async stop() {
      await terminate(child);
      await rm(dataDir, { recursive: true, force: true });
    },
    async setCapturePaused(paused) {
      await api('/api/capture', { method: 'POST', body: JSON.stringify({ paused }) });
    },
    async recordsWritten() {
      const status = (await api('/api/status')) as { session: { exchanges: number } };
      return status.session.exchanges;
    },
  };
}

function commandExists(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A free loopback port, for peers that cannot be told to listen on port 0 and report it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** nginx as a streaming reverse proxy (`proxy_buffering off`, upstream keep-alive), one worker per core. */
export async function startNginx(upstreamUrl: string): Promise<ProxyUnderTest | MissingPeer> {
  // Debian installs it in /usr/sbin, which is not on every user's PATH.
  const binary = commandExists('nginx') ? 'nginx' : existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : null;
  if (!binary) return { name: 'nginx', reason: 'not installed (apt-get install -y nginx)' };
  const prefix = await mkdtemp(join(tmpdir(), 'tokentap-bench-nginx-'));
  const port = await freePort();
  const upstream = new URL(upstreamUrl);
  const conf = `
worker_processes auto;
error_log stderr notice;
pid ${prefix}/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  upstream llm { server ${upstream.host}; keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 0;
    location / {
      proxy_pass http://llm;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
      tcp_nodelay on;
    }
  }
}
`;
  await writeFile(join(prefix, 'nginx.conf'), conf);
  const child = spawn(binary, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // nginx says so once it has bound its port and forked its workers.
  await waitForLine(
    child,
    'nginx',
    (line) => (line.includes('start worker processes') ? true : null),
    'stderr',
  );
  const master = child.pid as number;
  return {
    name: 'nginx',
    description: 'nginx (proxy_buffering off, upstream keep-alive, no capture)',
    url: `http://127.0.0.1:${port}`,
    stats: async () => procStats([master, ...(await childPids(master))]),
    async stop() {
      await terminate(child);
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

/** mitmproxy's mitmdump in reverse-proxy mode, streaming bodies as they arrive. */
export async function startMitmproxy(upstreamUrl: string): Promise<ProxyUnderTest | MissingPeer> {
  if (!commandExists('mitmdump')) {
    return { name: 'mitmproxy', reason: 'not installed (apt-get install -y mitmproxy)' };
  }
  const confdir = await mkdtemp(join(tmpdir(), 'tokentap-bench-mitm-'));
  const child = spawn(
    'mitmdump',
    [
      '--mode',
      `reverse:${upstreamUrl}`,
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      '0',
      '--set',
      `confdir=${confdir}`,
      // Stream bodies through instead of buffering each whole response (SSE would stall otherwise).
      '--set',
      'stream_large_bodies=1',
      // Only its start line, not a line per flow (printing would slow it down).
      '--set',
      'flow_detail=0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // "Proxy server listening at 127.0.0.1:PORT", once it is bound to the port the OS gave it.
  const port = await waitForLine(
    child,
    'mitmdump',
    (line) => /listening at [\d.]+:(\d+)/.exec(line)?.[1] ?? null,
  );
  const pid = child.pid as number;
  return {
    name: 'mitmproxy',
    description: 'mitmproxy (mitmdump reverse mode, streaming)',
    url: `http://127.0.0.1:${port}`,
    stats: () => procStats([pid]),
    async stop() {
      await terminate(child);
      await rm(confdir, { recursive: true, force: true });
    },
  };
}
