import { createHash } from 'node:crypto';
import { type Context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { type IdGenerator, RandomIdGenerator } from '@opentelemetry/sdk-trace';
import type { ThreadRef } from '../../shared/threads/thread-types.ts';

/** Threads remembered for placing their turns and sub-agents; the least recently seen go first beyond. */
const MAX_THREADS = 10_000;

/** Where a thread's spans go: its trace, and the span its turns hang under (a sub-agent's parent turn). */
interface ThreadPlace {
  traceId: string;
  parentSpanId: string | null;
  /** The span of its latest turn: a sub-agent started now hangs under it. */
  lastSpanId: string | null;
}

/** The trace id of a thread, the same in every run and every export of it (a saved session sent later lands in the same trace). */
export function threadTraceId(threadId: string): string {
  return createHash('sha256').update(`tokentap.thread:${threadId}`).digest('hex').slice(0, 32);
}

/**
 * Threads map to traces: every turn of a top-level thread is a span in the trace derived from its
 * id, and a sub-agent's turns are child spans of the parent turn that was waiting on it (the
 * parent thread's latest turn when the sub-agent began), in the parent's trace.
 */
export class ThreadTraces {
  readonly #places = new Map<string, ThreadPlace>();
  /** The id generator the tracer provider uses: it hands out a thread's trace id for a root span. */
  readonly ids: ThreadIdGenerator = new ThreadIdGenerator();

  /** The context to start a turn's span in (a parent for sub-agents); arms the trace id for a top-level turn. */
  contextFor(thread: ThreadRef | null | undefined): Context {
    if (!thread) return ROOT_CONTEXT;
    const place = this.#place(thread);
    if (place.parentSpanId === null) {
      this.ids.nextTraceId = place.traceId;
      return ROOT_CONTEXT;
    }
    return trace.setSpanContext(ROOT_CONTEXT, {
      traceId: place.traceId,
      spanId: place.parentSpanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  }

  /** Remembers a turn's span, for sub-agents that start under it. */
  emitted(thread: ThreadRef | null | undefined, spanId: string): void {
    this.ids.nextTraceId = null;
    if (!thread) return;
    const place = this.#places.get(thread.id);
    if (place) place.lastSpanId = spanId;
  }

  #place(thread: ThreadRef): ThreadPlace {
    let place = this.#places.get(thread.id);
    if (place) {
      // Most recently seen last: the map's order is the eviction order.
      this.#places.delete(thread.id);
    } else {
      const parent = thread.parentId === null ? undefined : this.#places.get(thread.parentId);
      place = parent
        ? { traceId: parent.traceId, parentSpanId: parent.lastSpanId, lastSpanId: null }
        : {
            // A parent not seen (evicted, or exported in another run): its trace still, as a root.
            traceId: threadTraceId(thread.parentId ?? thread.id),
            parentSpanId: null,
            lastSpanId: null,
          };
    }
    this.#places.set(thread.id, place);
    if (this.#places.size > MAX_THREADS) {
      const oldest = this.#places.keys().next().value;
      if (oldest !== undefined) this.#places.delete(oldest);
    }
    return place;
  }
}

/** OpenTelemetry's random ids, except a root span's trace id when a thread's turn asks for one. */
class ThreadIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  nextTraceId: string | null = null;

  generateTraceId(): string {
    return this.nextTraceId ?? this.#random.generateTraceId();
  }

  generateSpanId(): string {
    return this.#random.generateSpanId();
  }
}
