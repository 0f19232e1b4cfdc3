/**
 * Child process: HTTP Toolkit's proxy engine, mockttp, as a forwarding proxy the way HTTP Toolkit
 * runs it: every request forwarded to the upstream (`thenForwardTo`) and captured (its `request`
 * and `response` events subscribed, which makes mockttp collect each body).
 *
 *   node mockttp-process.ts <upstream-url>
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { baseStats, serveCommands, toParent } from './ipc.ts';

const [upstreamUrl, peersDir] = process.argv.slice(2);
if (!upstreamUrl || !peersDir) {
  console.error('usage: mockttp-process.ts <upstream-url> <peers-dir>');
  process.exit(2);
}
// mockttp lives in the bench's own folder (see proxies.ts): not a project dependency, since its
// optional dependency cannot be resolved from the registry and `npm ci` refuses such a lockfile.
const entry = createRequire(`${peersDir}/package.json`).resolve('mockttp');
/** The part of mockttp's API the benchmark uses. */
interface MockttpServer {
  readonly port: number;
  start(port: number): Promise<void>;
  stop(): Promise<void>;
  forAnyRequest(): { thenForwardTo(url: string): Promise<unknown> };
  on(event: 'request' | 'response', callback: () => void): Promise<void>;
}
const { getLocal } = (await import(pathToFileURL(entry).href)) as {
  getLocal(options: { recordTraffic: boolean }): MockttpServer;
};

const server = getLocal({ recordTraffic: false });
await server.start(0);
await server.forAnyRequest().thenForwardTo(upstreamUrl);
let records = 0;
await server.on('request', () => {});
await server.on('response', () => {
  records++;
});

serveCommands(async (cmd) => {
  if (cmd === 'stats') return { ...(await baseStats()), records };
  if (cmd === 'stop') {
    await server.stop();
    process.exit(0);
  }
  return undefined;
});
// mockttp names its URL with `localhost`; the load generator connects to the same IPv4 loopback as for every arm.
toParent({ type: 'ready', url: `http://127.0.0.1:${server.port}` });
