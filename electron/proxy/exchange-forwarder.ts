import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import type { CaptureSink, ExchangeErrorKind } from '../../shared/exchange/capture-events.ts';
import { redactHeaders } from '../../shared/security/redact-headers.ts';
import { addCorsHeaders } from './cors-headers.ts';
import { responseHeadersToForward } from './forward-headers.ts';
import { sendOpenAiError } from './openai-error.ts';

interface EarlyFailure {
  kind: ExchangeErrorKind;
  status: number;
  code: string;
  /** What went wrong, after "the upstream <url> ". */
  what: string;
}

/** Why a request that never got response headers failed, from undici's error codes. */
function classifyEarlyFailure(error: Error): EarlyFailure {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return {
      kind: 'upstream-timeout',
      status: 504,
      code: 'upstream_timeout',
      what: 'sent no response headers in time',
    };
  // undici refuses an unsolicited `100 Continue` ("bad response") and any response llhttp cannot parse.
  const unparsable = error.name === 'HTTPParserError' || code.startsWith('HPE_');
  if ((code === 'UND_ERR_SOCKET' && error.message === 'bad response') || unparsable)
    return {
      kind: 'upstream-unreachable',
      status: 502,
      code: 'upstream_bad_response',
      what:
        code === 'UND_ERR_SOCKET'
          ? 'answered with a 100 Continue it was not asked for, which undici (the HTTP client Tokentap uses) cannot read past'
          : 'sent a response that is not valid HTTP/1.1',
    };
  return {
    kind: 'upstream-unreachable',
    status: 502,
    code: 'upstream_unreachable',
    what: 'could not be reached',
  };
}

/**
 * After an answer that came before the request body was all sent (a 401 or 413 to an upload),
 * how long the client may go on sending the rest (read and discarded, so its connection can be
 * reused) before its connection is closed; nginx's `lingering_time` is the same 30 s.
 */
export const EARLY_ANSWER_LINGER_MS = 30_000;

/** A reason phrase Node's `writeHead` accepts (RFC 9112 §4: HTAB, SP, VCHAR, obs-text). */
const VALID_REASON = /^[\t\x20-\x7e\x80-\xff]*$/;

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
  readonly #corsOrigin: string | null;
  /** Kept because undici detaches it from the request when it gives up on the body. */
  readonly #socket: Socket;
  /** The request body's capture events were pushed as it arrived (it was read whole first): undici's are not. */
  readonly #bodyCaptured: boolean;
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
    corsOrigin: string | null,
    bodyCaptured = false,
  ) {
    this.#bodyCaptured = bodyCaptured;
    this.#id = id;
    this.#t0 = t0;
    this.#req = req;
    this.#res = res;
    this.#sink = sink;
    this.#upstreamLabel = upstreamLabel;
    this.#corsOrigin = corsOrigin;
    this.#socket = req.socket;
    // A client gone before the dispatch never emits `close` again.
    if (res.destroyed) this.#clientGone = true;
    else res.on('close', this.#onClientClose);
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
    if (this.#bodyCaptured) return;
    this.#sink.push({ type: 'request-body-part', exchangeId: this.#id, t: this.#now(), data: chunk });
  }

  onRequestSent(): void {
    if (this.#bodyCaptured) return;
    this.#sink.push({ type: 'request-end', exchangeId: this.#id, t: this.#now() });
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) {
      this.#interimResponse(statusCode, headers);
      return;
    }
    const res = this.#res;
    const forwarded = responseHeadersToForward(headers);
    if (this.#corsOrigin !== null) addCorsHeaders(forwarded, this.#corsOrigin);
    // Trailers need chunked framing; Node refuses a `Trailer` header on any other response.
    if (forwarded.trailer !== undefined && (this.#req.httpVersion === '1.0' || forwarded['content-length']))
      delete forwarded.trailer;
    // The upstream answered before taking the whole body (a 401 or 413 to an upload): the client
    // gets the answer now, and the rest of its body is dealt with once the answer is out.
    if (!this.#req.complete) res.once('finish', this.#afterEarlyAnswer);
    // Headers go out with the first body bytes when undici hands those over in this same tick (a
    // small JSON answer: one write), else on their own at the end of the tick: never later.
    // A reason phrase Node will not write (control characters) is replaced by the standard one.
    if (statusMessage && VALID_REASON.test(statusMessage))
      res.writeHead(statusCode, statusMessage, forwarded);
    else res.writeHead(statusCode, forwarded);
    process.nextTick(flushHeaders, res);
    this.#sink.push({
      type: 'response-head',
      exchangeId: this.#id,
      t: this.#now(),
      status: statusCode,
      headers: redactHeaders(headers as Record<string, string | string[]>),
    });
  }

  /**
   * A 1xx before the final response. `103 Early Hints` is passed on to HTTP/1.1 clients (1.0
   * clients must never see a 1xx); the others are the proxy's own business (100 Continue was
   * already answered by the proxy, 102 Processing is obsolete) and are dropped.
   */
  #interimResponse(statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    const res = this.#res;
    if (statusCode !== 103 || res.headersSent || res.destroyed || this.#req.httpVersion === '1.0') return;
    const hints = responseHeadersToForward(headers);
    if (Object.keys(hints).length > 0) res.writeEarlyHints(hints);
  }

  /**
   * Once an early answer is out: undici stopped sending the body upstream (and let go of the
   * request stream), so nothing reads the client's socket any more and a client still sending
   * would block forever. Node's parser is told to discard the rest (its own treatment of a body
   * nobody reads), so the connection can serve the next request; a client that has not finished
   * within EARLY_ANSWER_LINGER_MS is disconnected.
   */
  #afterEarlyAnswer = (): void => {
    const req = this.#req;
    const socket = this.#socket;
    if (req.complete || socket.destroyed) return;
    // undici lets go of the body a moment after the response ends, when the upstream socket it
    // gave up on has closed; until then the body is still its to read.
    if (!req.destroyed) {
      req.once('close', this.#afterEarlyAnswer);
      return;
    }
    (req as unknown as { _dump(): void })._dump();
    socket.resume();
    const timer = setTimeout(() => {
      if (!req.complete) socket.destroy();
    }, EARLY_ANSWER_LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // Backpressure: a slow client pauses the upstream rather than growing memory here.
    if (!this.#res.write(chunk)) {
      controller.pause();
      this.#res.once('drain', () => controller.resume());
    }
    this.#sink.push({ type: 'response-body-part', exchangeId: this.#id, t: this.#now(), data: chunk });
  }

  onResponseEnd(
    _controller: Dispatcher.DispatchController,
    trailers: Record<string, string | string[] | undefined>,
  ): void {
    this.#finished = true;
    const res = this.#res;
    // Trailers (a checksum, gRPC-style status) go on after the last chunk; Node sends them with
    // chunked framing and drops them where there is none (HTTP/1.0, a content-length).
    let forwarded: Record<string, string | string[]> | null = null;
    for (const _ in trailers) {
      forwarded = responseHeadersToForward(trailers);
      break;
    }
    if (forwarded !== null && res.chunkedEncoding) {
      try {
        res.addTrailers(forwarded);
      } catch {
        // A trailer Node will not write (a bad name or value) is dropped, never the response.
      }
    }
    res.end();
    const t = this.#now();
    if (forwarded === null) this.#sink.push({ type: 'response-end', exchangeId: this.#id, t });
    else
      this.#sink.push({ type: 'response-end', exchangeId: this.#id, t, trailers: redactHeaders(forwarded) });
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
    const { kind, status, code, what } = classifyEarlyFailure(error);
    const message =
      code === 'upstream_unreachable'
        ? `Tokentap could not reach the upstream ${this.#upstreamLabel}: ${describe(error)}`
        : `Tokentap: the upstream ${this.#upstreamLabel} ${what} (${describe(error)})`;
    // The error is recorded once the request body is captured, so analysis sees the whole request first.
    this.#drainUnsentRequestBody(() =>
      this.#sink.push({ type: 'exchange-error', exchangeId: this.#id, t, kind, message }),
    );
    if (!res.destroyed) sendOpenAiError(res, status, message, 'proxy_error', code);
  }

  /**
   * The upstream never took the body; read it anyway so the capture keeps what was asked. The
   * record is finished when the body ends or the connection goes, whichever comes first: once the
   * answer is out, Node no longer tells this request that its connection closed, so the socket
   * itself is watched (else the exchange would stay pending for ever).
   */
  #drainUnsentRequestBody(then: () => void): void {
    const req = this.#req;
    const socket = this.#socket;
    if (req.readableEnded || req.destroyed || socket.destroyed) {
      then();
      return;
    }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.off('close', finish);
      then();
    };
    req.on('data', (chunk: Buffer) => this.onBodySent(chunk));
    req.once('end', () => {
      this.onRequestSent();
      finish();
    });
    req.once('close', finish);
    socket.once('close', finish);
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
