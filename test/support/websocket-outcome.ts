import WebSocket from 'ws';

/** How a WebSocket upgrade to `url` ends: 'open', the refusal's status code, or 'error'. */
export function webSocketOutcome(url: string, origin?: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', () => resolve('error'));
  });
}
