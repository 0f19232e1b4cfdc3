import type { WebSocketSide } from '../exchange/capture-events.ts';
import type { Usage } from '../usage/usage.ts';
import type { InterpretedResponse } from './llm-response.ts';
import type { MergedResult } from './merged-result.ts';

/** Incremental reader of one WebSocket session of an LLM protocol: every text message, both ways. */
export interface WebSocketInterpreter {
  /** Feeds one text message; returns true when it carried model output. */
  push(from: WebSocketSide, text: string): boolean;
  /** Everything understood so far, over all the session's responses. */
  snapshot(): InterpretedResponse;
}

/** One session's responses merged into one result: texts joined by a blank line, the last finish reason. */
export function mergeTurns(turns: readonly MergedResult[]): MergedResult {
  const join = (texts: (string | null)[]): string | null => {
    const present = texts.filter((text): text is string => text !== null && text !== '');
    return present.length > 0 ? present.join('\n\n') : null;
  };
  let finishReason: string | null = null;
  for (const turn of turns) if (turn.finishReason !== null) finishReason = turn.finishReason;
  return {
    text: join(turns.map((turn) => turn.text)) ?? '',
    refusal: join(turns.map((turn) => turn.refusal)),
    reasoning: join(turns.map((turn) => turn.reasoning)),
    toolCalls: turns.flatMap((turn) => turn.toolCalls),
    finishReason,
  };
}

/** The usage of a session's responses added up; null when none reported any. */
export function addUsage(all: readonly (Usage | null)[]): Usage | null {
  let sum: Usage | null = null;
  for (const usage of all) {
    if (usage === null) continue;
    if (sum === null) {
      sum = { ...usage };
      continue;
    }
    sum.inputTokens += usage.inputTokens;
    sum.outputTokens += usage.outputTokens;
    sum.totalTokens += usage.totalTokens;
    sum.cachedTokens = addOptional(sum.cachedTokens, usage.cachedTokens);
    sum.reasoningTokens = addOptional(sum.reasoningTokens, usage.reasoningTokens);
    for (const key of ['cacheWriteTokens', 'inputAudioTokens', 'outputAudioTokens'] as const) {
      const value = usage[key];
      if (value !== undefined) sum[key] = (sum[key] ?? 0) + value;
    }
  }
  return sum;
}

function addOptional(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0);
}
