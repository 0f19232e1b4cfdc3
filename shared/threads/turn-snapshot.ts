import type { CacheLifetime } from './cache-limits.ts';
import type { NormalisedRequest } from './normalise-request.ts';
import type { ContextPath } from './thread-types.ts';

/** A block as a thread remembers it: where it was and what it hashed to (its text lives in the BlockTextStore, if anywhere). */
export interface BlockRef {
  path: ContextPath;
  hash: string;
}

export interface MessageRef extends BlockRef {
  blocks: BlockRef[];
}

/** What a thread remembers of its latest turn: hashes and counts, never bodies. */
export interface TurnSnapshot {
  exchangeId: string;
  turn: number;
  startedAtMs: number;
  model: string | null;
  anthropic: boolean;
  system: BlockRef[];
  tools: BlockRef[];
  messages: MessageRef[];
  breakpoints: ContextPath[];
  /** How long what this turn left in the cache lives. */
  lifetime: CacheLifetime;
  /** Set when the turn's response ended with usage. */
  usage: { input: number; read: number | null; write: number | null } | null;
  /** The turn's response has ended (with usage or without). */
  ended: boolean;
}

const ref = ({ path, hash }: BlockRef): BlockRef => ({ path, hash });

/** The hashes-only memory of a request. */
export function snapshotOf(
  request: NormalisedRequest,
  exchangeId: string,
  turn: number,
  startedAtMs: number,
  anthropic: boolean,
  lifetime: CacheLifetime,
): TurnSnapshot {
  return {
    exchangeId,
    turn,
    startedAtMs,
    model: request.model,
    anthropic,
    system: request.system.map(ref),
    tools: request.tools.map(ref),
    messages: request.messages.map((m) => ({ path: m.path, hash: m.hash, blocks: m.blocks.map(ref) })),
    breakpoints: request.breakpoints,
    lifetime,
    usage: null,
    ended: false,
  };
}
