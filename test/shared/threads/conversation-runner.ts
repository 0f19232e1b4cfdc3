import type { HeaderMap } from '../../../shared/exchange/capture-events.ts';
import type { ApiKind } from '../../../shared/interpreters/api-kind.ts';
import type { ToolCall } from '../../../shared/interpreters/merged-result.ts';
import { normaliseRequest } from '../../../shared/threads/normalise-request.ts';
import { type BegunTurn, ThreadTracker } from '../../../shared/threads/thread-tracker.ts';
import type {
  CacheVerdict,
  ContextBreakdown,
  ThreadRef,
  TurnDelta,
} from '../../../shared/threads/thread-types.ts';
import type { Usage } from '../../../shared/usage/usage.ts';

/** One exchange of a test conversation, as the analyzer would see it. */
export interface TestExchange {
  id: string;
  api: ApiKind;
  body: Record<string, unknown>;
  headers?: HeaderMap;
  /** ms since the epoch. */
  at: number;
  usage: Usage | null;
  toolCalls?: ToolCall[];
  responseIds?: string[];
}

export interface TestTurn {
  ref: ThreadRef;
  delta: TurnDelta;
  cache: CacheVerdict;
  context: ContextBreakdown;
}

/** Drives a tracker the way the thread analyzer does: `begin` when a request is complete, `end` when its response is. */
export class ConversationRunner {
  readonly tracker: ThreadTracker;
  readonly #begun = new Map<string, BegunTurn>();
  readonly turns = new Map<string, TestTurn>();
  #next = 0;

  constructor() {
    this.tracker = new ThreadTracker({ newId: () => `thr_${String(++this.#next).padStart(12, '0')}` });
  }

  begin(exchange: TestExchange): ThreadRef {
    const request = normaliseRequest(
      exchange.api,
      exchange.body,
      exchange.headers ?? {},
      (exchange.body.model as string | undefined) ?? null,
    );
    if (request === null) throw new Error(`${exchange.id} is not a conversation`);
    const begun = this.tracker.begin(exchange.id, exchange.api, exchange.at, request);
    this.#begun.set(exchange.id, begun);
    return begun.ref;
  }

  end(exchange: TestExchange): TestTurn {
    const begun = this.#begun.get(exchange.id);
    if (!begun) throw new Error(`${exchange.id} was not begun`);
    const { cache, context } = this.tracker.end(begun, {
      usage: exchange.usage,
      responseIds: exchange.responseIds ?? [],
      toolCalls: exchange.toolCalls ?? [],
    });
    const turn = { ref: begun.ref, delta: begun.delta, cache, context };
    this.turns.set(exchange.id, turn);
    return turn;
  }

  /** Begins and ends each exchange in order. */
  run(...exchanges: TestExchange[]): TestTurn[] {
    return exchanges.map((e) => {
      this.begin(e);
      return this.end(e);
    });
  }
}
