import type { Server } from 'node:net';
import { formatListenAddress, type ListenAddress } from './listen-address.ts';

/** A server that could not listen: the address it tried and the system's error code (`EADDRINUSE` …). */
export class ListenError extends Error {
  readonly address: ListenAddress;
  readonly code: string | undefined;
  /** Why, in words: "the port is already in use (…)". */
  readonly reason: string;
  constructor(address: ListenAddress, cause: NodeJS.ErrnoException) {
    const reason = explainListenError(cause);
    super(`Cannot listen on ${formatListenAddress(address)}: ${reason}`);
    this.address = address;
    this.code = cause.code;
    this.reason = reason;
  }
}

/** Listens on `address`; rejects with a ListenError naming it (never an unhandled 'error' event). */
export function listenOn(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(new ListenError(address, error));
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * One line for a server that could not listen, for a person: which server, the address, why,
 * and `remedy` (what to do, in the words of how it was started: `--listen`, `UI_ADDR` …).
 */
export function listenProblemLine(what: string, error: ListenError, remedy: string): string {
  return `${what} cannot listen on ${formatListenAddress(error.address)}: ${error.reason}. ${remedy}`;
}

function explainListenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'the port is already in use (another Tokentap, or another server?)';
    case 'EADDRNOTAVAIL':
      return 'that address does not belong to this machine';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    default:
      return error.message;
  }
}
