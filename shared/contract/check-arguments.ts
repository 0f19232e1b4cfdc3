import { ArgumentError, parseWith } from './argument-check.ts';
import { CHANNEL_TABLE } from './channels.ts';
import type { Channel, InspectorHandlers, InspectorRequests } from './inspector-contract.ts';

/** The argument names of a channel, in order. */
export function argNames(channel: Channel): string[] {
  return CHANNEL_TABLE[channel].args.map(([name]) => name);
}

/**
 * The boundary check of every channel, over IPC and HTTP alike: the raw arguments against the
 * channel's schemas, returned typed (unknown fields dropped, defaults filled in), or an
 * `ArgumentError` naming the channel and what is wrong.
 */
export function checkArguments<C extends Channel>(
  channel: C,
  raw: readonly unknown[],
): InspectorRequests[C]['args'] {
  const specs = CHANNEL_TABLE[channel].args;
  if (raw.length !== specs.length) {
    const names = argNames(channel);
    const wanted = names.length === 0 ? 'no arguments' : `${names.length} (${names.join(', ')})`;
    throw new ArgumentError(channel, `takes ${wanted}, got ${raw.length}`);
  }
  const checked = specs.map(([name, schema], i) => {
    try {
      return parseWith(schema, raw[i], name);
    } catch (error) {
      throw new ArgumentError(channel, (error as Error).message);
    }
  });
  // The schemas are this channel's, in order: what they return is its argument list.
  return checked as InspectorRequests[C]['args'];
}

/** Calls a channel's handler with the raw arguments once `checkArguments` has passed them. */
export function callChecked<C extends Channel>(
  handlers: InspectorHandlers,
  channel: C,
  raw: readonly unknown[],
): Promise<InspectorRequests[C]['result']> {
  return callWith(handlers, channel, checkArguments(channel, raw));
}

/** Calls a channel's handler with arguments `checkArguments` returned. */
export function callWith<C extends Channel>(
  handlers: InspectorHandlers,
  channel: C,
  args: InspectorRequests[C]['args'],
): Promise<InspectorRequests[C]['result']> {
  // The cast only joins what the compiler cannot correlate across the channel union: the checked
  // arguments are exactly this channel's list, which is what its handler takes.
  const handler = handlers[channel] as (
    ...args: InspectorRequests[C]['args']
  ) => Promise<InspectorRequests[C]['result']>;
  return handler(...args);
}
