/**
 * Child process: HTTP Toolkit's proxy engine, mockttp, as a forwarding proxy the way HTTP Toolkit
 * runs it: every request forwarded to the upstream (`thenForwardTo`) and captured (its `request`
 * and `response` events subscribed, which makes mockttp collect each body).
 *
 *   node mockttp-process.ts <upstream-url>
 */
import { getLocal } from 'mockttp';
import { baseStats, serveCommands, toParent } from './ipc.ts';

const [upstreamUrl] = process.argv.slice(2);
if (!upstreamUrl) {
  console.error('usage: mockttp-process.ts <upstream-url>');
  process.exit(2);
}

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
