/**
 * A real WebSocket upstream on 127.0.0.1:0 (`ws`'s WebSocketServer on a node:http server), for
 * tests of the proxy's WebSocket relay: each test says what a connection does; paths starting
 * with `/refuse/<status>` are refused with that status and a JSON error body instead.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export interface WebSocketUpstream {
  /** `http://127.0.0.1:port` (the proxy's UPSTREAM). */
  url: string;
  /** The handshake requests that reached it, in order. */
  handshakes: IncomingMessage[];
  close(): Promise<void>;
}

/** Starts the upstream; `onConnection` runs for every accepted socket. */
export async function startWebSocketUpstream(
  onConnection: (ws: WebSocket, req: IncomingMessage) => void,
): Promise<WebSocketUpstream> {
  const handshakes: IncomingMessage[] = [];
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has('realtime') ? 'realtime' : false),
  });
  const server = createServer((_req, res) => res.writeHead(426).end());
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handshakes.push(req);
    const refused = /^\/refuse\/(\d{3})/.exec(req.url ?? '');
    if (refused) {
      const body = JSON.stringify({
        error: { message: 'Incorrect API key provided', code: 'invalid_api_key' },
      });
      socket.end(
        `HTTP/1.1 ${refused[1]} Refused\r\ncontent-type: application/json\r\nx-request-id: req_refused\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
  });
  wss.on('headers', (headers) => headers.push('x-request-id: req_ws_upstream'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handshakes,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One message of a recorded WebSocket session. */
export interface ScriptedMessage {
  from: 'client' | 'server';
  text: string;
}

/**
 * Reads a recording as messages: `{"dir":"client"|"server","data":{…}}` per line (pydantic-ai's
 * cassettes; the text is `JSON.stringify(data)`) or `{"dir":"c2u"|"u2c","text":"…"}` per line
 * (ccxray's frames, the text byte for byte).
 */
export function readWebSocketRecording(path: string): ScriptedMessage[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const frame = JSON.parse(line) as { dir: string; data?: unknown; text?: string };
      const from = frame.dir === 'client' || frame.dir === 'c2u' ? 'client' : 'server';
      return { from, text: frame.text ?? JSON.stringify(frame.data) };
    });
}

/**
 * Plays one side of a script on a socket: it sends its own messages in order, each once every
 * message of the other side before it has arrived; resolves with what it received once it has
 * received all the other side's messages.
 */
export function playScript(
  ws: WebSocket,
  script: ScriptedMessage[],
  side: 'client' | 'server',
): Promise<string[]> {
  const received: string[] = [];
  const expected = script.filter((message) => message.from !== side).length;
  let next = 0;
  return new Promise((resolve, reject) => {
    const sendWhatIsDue = (): void => {
      while (next < script.length) {
        const message = script[next] as ScriptedMessage;
        if (message.from !== side) {
          const before = script.slice(0, next).filter((m) => m.from !== side).length;
          if (received.length < before + 1) return;
          next++;
          continue;
        }
        ws.send(message.text);
        next++;
      }
    };
    ws.on('message', (data: RawData) => {
      received.push((data as Buffer).toString('utf8'));
      sendWhatIsDue();
      if (received.length === expected) resolve(received);
    });
    ws.once('close', () => {
      if (received.length < expected)
        reject(new Error(`closed after ${received.length} of ${expected} messages`));
    });
    // A client that speaks first waits for its socket to open.
    if (ws.readyState === ws.CONNECTING) ws.once('open', sendWhatIsDue);
    else sendWhatIsDue();
    if (expected === 0) resolve(received);
  });
}

export interface ResponsesAnswers {
  /** Ids are `<idPrefix><n>` for the n-th generating response. */
  idPrefix: string;
  /** The first answer calls `exec_command` with these arguments. */
  toolArguments: string;
  /** Later answers say this. */
  text(n: number): string;
  /** Cached input tokens reported from the second answer on. */
  cachedTokens: number;
  /** Each answer starts with `response.created` (as the API streams it). */
  announce?: boolean;
}

/**
 * Answers every `response.create` on a socket as the Responses API does: the answer's output items,
 * then `response.completed` with its usage (input growing 100 tokens a turn); a warm-up
 * (`generate: false`) gets an empty completed response. The first answer is a tool call.
 */
export function answerResponsesCreates(ws: WebSocket, answers: ResponsesAnswers): void {
  let n = 0;
  ws.on('message', (data: RawData) => {
    const event = JSON.parse(data.toString()) as { type: string; generate?: boolean };
    if (event.type !== 'response.create') return;
    if (event.generate === false) {
      ws.send(JSON.stringify({ type: 'response.completed', response: { id: 'resp_warmup', output: [] } }));
      return;
    }
    n++;
    const id = `${answers.idPrefix}${n}`;
    const output =
      n === 1
        ? [
            {
              type: 'function_call',
              call_id: 'call_1',
              name: 'exec_command',
              arguments: answers.toolArguments,
            },
          ]
        : [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: answers.text(n) }] }];
    if (answers.announce)
      ws.send(JSON.stringify({ type: 'response.created', response: { id, status: 'in_progress' } }));
    for (const item of output) ws.send(JSON.stringify({ type: 'response.output_item.done', item }));
    ws.send(
      JSON.stringify({
        type: 'response.completed',
        response: {
          id,
          status: 'completed',
          output,
          usage: {
            input_tokens: 2000 + 100 * n,
            input_tokens_details: { cached_tokens: n === 1 ? 0 : answers.cachedTokens },
            output_tokens: 10,
            total_tokens: 2010 + 100 * n,
          },
        },
      }),
    );
  });
}

/** Resolves once the socket is open (rejects on its error). */
export function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}
