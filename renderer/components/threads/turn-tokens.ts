import type { ThreadTurn } from '../../../shared/threads/thread-types.ts';

/** A turn's tokens as the chart stacks them; null when the provider reported no usage. */
export interface TurnTokens {
  cached: number;
  uncached: number;
  output: number;
}

/** Cached input, uncached input and output tokens of a turn (cached: as the provider reported, else 0). */
export function turnTokens(turn: Pick<ThreadTurn, 'usage'>): TurnTokens | null {
  const usage = turn.usage;
  if (usage === null) return null;
  const cached = Math.min(usage.cachedTokens ?? 0, usage.inputTokens);
  return { cached, uncached: usage.inputTokens - cached, output: usage.outputTokens };
}
