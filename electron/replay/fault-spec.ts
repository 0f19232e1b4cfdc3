import type { ReplayFault } from '../../shared/inspector-contract.ts';

/** The fault names and forms the command line and the HTTP API accept. */
export const FAULT_FORMS =
  'drop-usage | cut-after=N | delay-first-byte=MS | rate-limit[=SECONDS] | error-mid-stream';

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

/** Checks a fault that arrived as JSON (HTTP, IPC); a string is parsed as on the command line. */
export function checkFault(value: unknown): ReplayFault {
  if (typeof value === 'string') return parseFault(value);
  if (typeof value !== 'object' || value === null)
    throw new Error('a fault must be an object or a string like "cut-after=3"');
  const fault = value as Record<string, unknown>;
  const whole = (name: string): number => {
    const n = fault[name];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw new Error(`fault ${String(fault.kind)} needs "${name}", a whole number ≥ 0`);
    return n;
  };
  switch (fault.kind) {
    case 'drop-usage':
    case 'error-mid-stream':
      return { kind: fault.kind };
    case 'cut-after':
      return { kind: 'cut-after', events: whole('events') };
    case 'delay-first-byte':
      return { kind: 'delay-first-byte', ms: whole('ms') };
    case 'rate-limit':
      return {
        kind: 'rate-limit',
        retryAfterSeconds: fault.retryAfterSeconds === undefined ? 1 : whole('retryAfterSeconds'),
      };
    default:
      throw new Error(`unknown fault kind ${JSON.stringify(fault.kind)}: expected ${FAULT_FORMS}`);
  }
}

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
