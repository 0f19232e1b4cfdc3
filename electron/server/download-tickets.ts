import { randomBytes } from 'node:crypto';
import type { ExportRequest } from '../../shared/contract/inspector-contract.ts';

export interface DownloadTicketOptions {
  /** How long a ticket may wait for its download. */
  ttlMs?: number;
  /** Tickets held at most; the oldest unused one goes first. */
  maxTickets?: number;
  /** The clock (injected by tests). */
  now?: () => number;
}

export const DEFAULT_TICKET_TTL_MS = 60_000;

interface Ticket {
  request: ExportRequest;
  expiresAt: number;
}

/**
 * Single-use, short-lived download tickets: a link the browser downloads by itself carries a
 * ticket for exactly one export, never the API token (a URL ends up in history, the downloads
 * list and logs).
 */
export class DownloadTickets {
  readonly #tickets = new Map<string, Ticket>();
  readonly #ttlMs: number;
  readonly #maxTickets: number;
  readonly #now: () => number;

  constructor(options: DownloadTicketOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_TICKET_TTL_MS;
    this.#maxTickets = options.maxTickets ?? 64;
    this.#now = options.now ?? Date.now;
  }

  /** A new ticket for `request`, and when it expires (ms since the epoch on the injected clock). */
  issue(request: ExportRequest): { ticket: string; expiresAt: number } {
    this.#sweep();
    while (this.#tickets.size >= this.#maxTickets) {
      this.#tickets.delete(this.#tickets.keys().next().value as string);
    }
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = this.#now() + this.#ttlMs;
    this.#tickets.set(ticket, { request, expiresAt });
    return { ticket, expiresAt };
  }

  /** The ticket's export, once: a second redemption, or one after expiry, gives null. */
  redeem(ticket: string): ExportRequest | null {
    const found = this.#tickets.get(ticket);
    if (!found) return null;
    this.#tickets.delete(ticket);
    return found.expiresAt > this.#now() ? found.request : null;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [ticket, { expiresAt }] of this.#tickets) if (expiresAt <= now) this.#tickets.delete(ticket);
  }
}
