/**
 * Child process: a WebSocket upstream for the benchmark. A connection to `/ticks?n=N&every=MS`
 * gets N text messages MS apart, each carrying `seq` and `ts` (nowMs() just before the send), then
 * a normal close. Runs apart from the HTTP upstream so neither slows the other.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { nowMs } from './clock.ts';
import { baseStats, serveCommands, toParent } from './ipc.ts';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise<void>((resolve) => server.once('listening', () => resolve()));

server.on('connection', (ws, req) => {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  const count = Math.min(Number(query.get('n') ?? 10), 100_000);
  const every = Math.max(Number(query.get('every') ?? 20), 0);
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(`{"seq":${seq},"ts":${nowMs()}}`);
    seq++;
    if (seq >= count) ws.close(1000, 'done');
    else timer = setTimeout(tick, every);
  };
  ws.on('close', () => clearTimeout(timer));
  ws.on('error', () => clearTimeout(timer));
  tick();
});

serveCommands(async (cmd) => {
  if (cmd === 'stop') {
    for (const ws of server.clients) ws.terminate();
    server.close();
    process.exit(0);
  }
  if (cmd === 'stats') return baseStats();
  return undefined;
});
const { port } = server.address() as AddressInfo;
toParent({ type: 'ready', url: `http://127.0.0.1:${port}` });
