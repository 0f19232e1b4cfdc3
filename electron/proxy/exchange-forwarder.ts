import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { CaptureSink, ExchangeErrorKind } from '../../shared/capture-events.ts';
import { redactHeaders } from '../../shared/redact-headers.ts';
import { responseHeadersToForward } from './forward-headers.ts';
import { openAiErrorBody } from './openai-error.ts';

/** Why a request that never got response headers failed, from undici's error codes. */
function classifyEarlyFailure(error: Error): { kind: ExchangeErrorKind; status: number; code: string } {
  const code = (error as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return { kind: 'upstream-timeout', status: 504, code: 'upstream_timeout' };
  return { kind: 'upstream-unreachable', status: 502, code: 'upstream_unreachable' };
}

/**
 * Carries one exchange from undici's upstream response to the client, as an undici dispatch
 * handler: every chunk is written to the client the moment undici hands it over, and the same
 * Buffer is pushed to the capture sink afterwards (forwarding first, analysis second).
 */
export class ExchangeForwarder implements Dispatcher.DispatchHandler {
  readonly #id: string;
  readonly #t0: number;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  readonly #sink: CaptureSink;
  readonly #upstreamLabel: string;
  #controller: Dispatcher.DispatchController | null = null;
  #finished = false;
  #clientGone = false;

  constructor(
    id: string,
    t0: number,
    req: IncomingMessage,
    res: ServerResponse,
    sink: CaptureSink,
    upstreamLabel: string,
  ) {
    this.#id = id;
    this.#t0 = t0;
    this.#req = req;
    this.#res = res;
    this.#sink = sink;
    this.#upstreamLabel = upstreamLabel;
    res.on('close', this.#onClientClose);
  }

  #now(): number {
    return performance.now() - this.#t0;
  }

  // Tokens cost money: the moment the client goes away, the upstream request goes too.
  #onClientClose = (): void => {
    if (this.#finished) return;
    this.#clientGone = true;
    const reason = new Error('client closed the connection');
    if (this.#controller) this.#controller.abort(reason);
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#clientGone) controller.abort(new Error('client closed the connection'));
  }

  onBodySent(chunk: Buffer): void {
    this.#sink.push({ type: 'request-body-part', exchangeId: this.#id, t: this.#now(), data: chunk });
  }

  onRequestSent(): void {
    this.#sink.push({ type: 'request-end', exchangeId: this.#id, t: this.#now() });
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    const res = this.#res;
    // Headers go out with the first body bytes when undici hands those over in this same tick (a
    // small JSON answer: one write), else on their own at the end of the tick: never later.
    if (statusMessage) res.writeHead(statusCode, statusMessage, responseHeadersToForward(headers));
    else res.writeHead(statusCode, responseHeadersToForward(headers));
    process.nextTick(flushHeaders, res);
    this.#sink.push({
      type: 'response-head',
      exchangeId: this.#id,
      t: this.#now(),
      status: statusCode,
      headers: redactHeaders(headers as Record<string, string | string[]>),
    });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // Backpressure: a slow client pauses the upstream rather than growing memory here.
    if (!this.#res.write(chunk)) {
      controller.pause();
      this.#res.once('drain', () => controller.resume());
    }
    this.#sink.push({ type: 'response-body-part', exchangeId: this.#id, t: this.#now(), data: chunk });
  }

  onResponseEnd(): void {
    this.#finished = true;
    this.#res.end();
    this.#sink.push({ type: 'response-end', exchangeId: this.#id, t: this.#now() });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#finished) return;
    this.#finished = true;
    const t = this.#now();
    if (this.#clientGone) {
      this.#sink.push({
        type: 'exchange-error',
        exchangeId: this.#id,
        t,
        kind: 'client-aborted',
        message:
          'The client closed the connection before the response ended; the upstream request was aborted.',
      });
      return;
    }
    const res = this.#res;
    if (res.headersSent) {
      // Cut the client's connection so its SDK sees an error, never a silently truncated success.
      res.destroy(error);
      this.#sink.push({
        type: 'exchange-error',
        exchangeId: this.#id,
        t,
        kind: 'upstream-reset',
        message: `The upstream connection failed mid-response: ${describe(error)}`,
      });
      return;
    }
    const { kind, status, code } = classifyEarlyFailure(error);
    const message =
      kind === 'upstream-timeout'
        ? `Tokentap: the upstream ${this.#upstreamLabel} sent no response headers in time (${describe(error)})`
        : `Tokentap could not reach the upstream ${this.#upstreamLabel}: ${describe(error)}`;
    // The error is recorded once the request body is captured, so analysis sees the whole request first.
    this.#drainUnsentRequestBody(() =>
      this.#sink.push({ type: 'exchange-error', exchangeId: this.#id, t, kind, message }),
    );
    const body = openAiErrorBody(message, 'proxy_error', code);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  /** The upstream never took the body; read it anyway so the capture keeps what was asked. */
  #drainUnsentRequestBody(then: () => void): void {
    const req = this.#req;
    if (req.readableEnded || req.destroyed) {
      then();
      return;
    }
    let done = false;
    const finish = () => {
      if (!done) then();
      done = true;
    };
    req.on('data', (chunk: Buffer) => this.onBodySent(chunk));
    req.once('end', () => {
      this.onRequestSent();
      finish();
    });
    req.once('close', finish);
    req.resume();
  }
}

function flushHeaders(res: ServerResponse): void {
  if (!res.headersSent && !res.destroyed) res.flushHeaders();
}

function describe(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  const text = error.message || String(error);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
