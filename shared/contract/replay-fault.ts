import * as v from 'valibot';

/** The fault names and forms the command line and the HTTP API accept. */
export const FAULT_FORMS =
  'drop-usage | cut-after=N | delay-first-byte=MS | rate-limit[=SECONDS] | error-mid-stream';

// Counts and durations: whole numbers, never negative.
const Whole = v.pipe(
  v.number(),
  v.integer('must be a whole number ≥ 0'),
  v.minValue(0, 'must be a whole number ≥ 0'),
);

/** A fault written out as JSON: `{"kind": "cut-after", "events": 3}`. */
const FaultObject = v.variant(
  'kind',
  [
    v.object({ kind: v.literal('drop-usage') }),
    v.object({ kind: v.literal('cut-after'), events: Whole }),
    v.object({ kind: v.literal('delay-first-byte'), ms: Whole }),
    v.object({ kind: v.literal('rate-limit'), retryAfterSeconds: v.optional(Whole, 1) }),
    v.object({ kind: v.literal('error-mid-stream') }),
  ],
  `names an unknown fault kind: expected ${FAULT_FORMS}`,
);

/**
 * A fault injected into every answer of a replay, to test how a client copes:
 * `drop-usage` removes the usage (chat `include_usage` chunk, Responses `response.usage`,
 * Anthropic `message_delta.usage`, a JSON body's `usage`); `cut-after` resets the connection
 * after that many stream events; `delay-first-byte` holds the response back; `rate-limit`
 * answers 429 with `retry-after`; `error-mid-stream` sends the API's error event halfway and ends.
 */
export type ReplayFault = v.InferOutput<typeof FaultObject>;

/** Parses `cut-after=3` and friends; throws an Error naming the accepted forms. */
export function parseFault(text: string): ReplayFault {
  const [name, value] = text.trim().split('=', 2) as [string, string | undefined];
  const count = (what: string): number => {
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isInteger(n) || n < 0)
      throw new Error(`fault "${text}": ${name} needs a whole number of ${what} (${name}=N)`);
    return n;
  };
  switch (name) {
    case 'drop-usage':
      return { kind: 'drop-usage' };
    case 'cut-after':
      return { kind: 'cut-after', events: count('events') };
    case 'delay-first-byte':
      return { kind: 'delay-first-byte', ms: count('milliseconds') };
    case 'rate-limit':
      return { kind: 'rate-limit', retryAfterSeconds: value === undefined ? 1 : count('seconds') };
    case 'error-mid-stream':
      return { kind: 'error-mid-stream' };
    default:
      throw new Error(`unknown fault "${text}": expected ${FAULT_FORMS}`);
  }
}

/** A fault as it arrives over HTTP or IPC: an object, or a string parsed as on the command line. */
export const ReplayFaultSchema = v.union(
  [
    v.pipe(
      v.string(),
      v.rawTransform(({ dataset, addIssue, NEVER }) => {
        try {
          return parseFault(dataset.value);
        } catch (error) {
          addIssue({ message: (error as Error).message });
          return NEVER;
        }
      }),
    ),
    FaultObject,
  ],
  'must be an object or a string like "cut-after=3"',
);

/** A fault in its command-line form, for status lines. */
export function formatFault(fault: ReplayFault): string {
  switch (fault.kind) {
    case 'cut-after':
      return `cut-after=${fault.events}`;
    case 'delay-first-byte':
      return `delay-first-byte=${fault.ms}`;
    case 'rate-limit':
      return `rate-limit=${fault.retryAfterSeconds}`;
    default:
      return fault.kind;
  }
}
