import {
  CHANNELS,
  type Channel,
  type InspectorMethods,
  type InspectorRequests,
} from './inspector-contract.ts';

/** How a transport makes one call: the channel's name and its arguments, to its result. */
export type ChannelCall = <C extends Channel>(
  channel: C,
  args: InspectorRequests[C]['args'],
) => Promise<InspectorRequests[C]['result']>;

/**
 * The methods of `InspectorApi`, one per channel, each calling `call` with its own channel name
 * only: what the preload bridge and the browser client expose (never a generic `invoke`).
 */
export function channelMethods(call: ChannelCall): InspectorMethods {
  const methods: Record<string, Record<string, unknown>> = {};
  for (const channel of CHANNELS) {
    const [domain, verb] = channel.split('.') as [string, string];
    methods[domain] ??= {};
    methods[domain][verb] = (...args: unknown[]) =>
      call(channel, args as InspectorRequests[typeof channel]['args']);
  }
  // Built from the same names the type is: each `domain.verb` channel is `methods[domain][verb]`.
  return methods as InspectorMethods;
}
