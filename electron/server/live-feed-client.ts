import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { LiveUpdate, ProxyStatus } from '../../shared/contract/inspector-contract.ts';
import type { InspectorService } from '../inspector-service.ts';

/** How much one live-feed client may have waiting in the server's memory. */
export interface LiveFeedLimits {
  /**
   * Bytes buffered for the client beyond which a batch is not queued: its updates are dropped and
   * the client is resynchronised once its socket drains.
   */
  resyncAtBytes: number;
  /** A client that has not drained for this long is closed with `SLOW_READER_CLOSE_CODE`. */
  maxStallMs: number;
}

export const DEFAULT_LIVE_FEED_LIMITS: LiveFeedLimits = { resyncAtBytes: 1024 * 1024, maxStallMs: 60_000 };

// A batch is cut into frames of about this size, so what is buffered never passes the bound by more
// than one update.
const FRAME_CHARS = 64 * 1024;

/** "Try again later": the client read too slowly; it may reconnect (and then reloads). */
export const SLOW_READER_CLOSE_CODE = 1013;

/** What the server holds for one client, for diagnostics and tests. */
export interface LiveFeedClientState {
  bufferedBytes: number;
  /** Updates were dropped; the client gets a resync when its socket drains. */
  resyncing: boolean;
  /** How often it has been resynchronised so far. */
  resyncs: number;
  /** Closed as too slow: the close frame waits behind what it has not read. */
  closing: boolean;
}

/**
 * One browser's `/api/events` feed with backpressure. A client that stops reading would have
 * every later batch queued in RAM; instead, once `resyncAtBytes` are waiting, it is unsubscribed
 * (its pending updates dropped), and when its socket drains it gets the current status and a
 * `session` update, which makes the renderer re-fetch the list, then live updates again.
 */
export class LiveFeedClient {
  readonly #ws: WebSocket;
  readonly #service: InspectorService;
  readonly #limits: LiveFeedLimits;
  #unsubscribe: (() => void) | null = null;
  #stallTimer: NodeJS.Timeout | null = null;
  #resyncing = false;
  #resyncs = 0;
  #closed = false;

  constructor(ws: WebSocket, socket: Socket, service: InspectorService, limits: LiveFeedLimits) {
    this.#ws = ws;
    this.#service = service;
    this.#limits = limits;
    socket.on('drain', () => {
      if (this.#resyncing && !this.#closed && ws.readyState === ws.OPEN) void this.#resync();
    });
    ws.on('close', () => this.close());
    this.#subscribe();
  }

  get state(): LiveFeedClientState {
    return {
      bufferedBytes: this.#ws.bufferedAmount,
      resyncing: this.#resyncing,
      resyncs: this.#resyncs,
      closing: this.#ws.readyState === this.#ws.CLOSING,
    };
  }

  /** Stops the feed (the socket closed or the server stops). */
  close(): void {
    this.#closed = true;
    this.#stopFeed();
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = null;
  }

  /** Batches go out as they come: the analysis worker has coalesced them per frame already. */
  #subscribe(): void {
    this.#unsubscribe = this.#service.subscribe({ send: (batch) => this.#send(batch) });
  }

  #stopFeed(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** Sends a batch as frames of about `FRAME_CHARS` each, until the client's buffer is full. */
  #send(batch: LiveUpdate[]): void {
    let parts: string[] = [];
    let chars = 2;
    const flush = (): boolean => {
      if (parts.length === 0) return true;
      const frame = `[${parts.join(',')}]`;
      parts = [];
      chars = 2;
      return this.#sendFrame(frame);
    };
    for (const update of batch) {
      const json = JSON.stringify(update);
      if (parts.length > 0 && chars + json.length > FRAME_CHARS && !flush()) return;
      parts.push(json);
      chars += json.length + 1;
    }
    flush();
  }

  /** Queues one frame, or, when the client's buffer cannot take it, drops it and falls behind. */
  #sendFrame(frame: string): boolean {
    if (this.#closed || this.#resyncing) return false;
    const buffered = this.#ws.bufferedAmount;
    // A frame always goes to a socket with nothing waiting, so one big update cannot stall the feed.
    if (buffered > 0 && buffered + Buffer.byteLength(frame) > this.#limits.resyncAtBytes) {
      this.#fallBehind();
      return false;
    }
    this.#ws.send(frame);
    return true;
  }

  #fallBehind(): void {
    this.#resyncing = true;
    this.#stopFeed();
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = null;
      // The close frame waits behind the unread bytes; ws destroys the socket if it is not read
      // within its close timeout (30 s), and nothing more is queued meanwhile.
      this.#ws.close(SLOW_READER_CLOSE_CODE, 'Too slow: the live feed was not read');
    }, this.#limits.maxStallMs);
    this.#stallTimer.unref();
    // Already drained meanwhile (no 'drain' would come): resynchronise at once.
    if (this.#ws.bufferedAmount === 0) void this.#resync();
  }

  async #resync(): Promise<void> {
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = null;
    this.#resyncing = false;
    let status: ProxyStatus;
    try {
      status = await this.#service.handlers['status.get']();
    } catch {
      this.#ws.close(SLOW_READER_CLOSE_CODE, 'Cannot resynchronise');
      return;
    }
    if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) return;
    this.#resyncs++;
    const update: LiveUpdate[] = [
      { type: 'status', status },
      { type: 'session', session: status.session },
    ];
    this.#ws.send(JSON.stringify(update));
    // Subscribed before the renderer's list request can arrive, so nothing falls between them.
    this.#subscribe();
  }
}
