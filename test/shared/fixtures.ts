import type { ApiKind } from '../../shared/interpreters/api-kind.ts';
import { createInterpreter } from '../../shared/interpreters/llm-interpreter.ts';
import type { InterpretedResponse, WireEvent } from '../../shared/interpreters/llm-response.ts';
import { createNdjsonDecoder } from '../../shared/wire/ndjson-decoder.ts';
import { createSseDecoder } from '../../shared/wire/sse-decoder.ts';
import type { WireDecoder } from '../../shared/wire/wire-decoder.ts';
import { listFixtures, readFixture, readFixtureText } from '../support/fixtures.ts';

// The shared-logic tests read the same recordings as the proxy tests, through the same helpers.
/** Names of the fixture files whose name ends with `suffix`. */
export const fixtureNames = (suffix: string): string[] => listFixtures(suffix);

/** A fixture's raw bytes. */
export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFixture(name));

/** A fixture's text. */
export const fixtureText = readFixtureText;

/** A fixture parsed as JSON. */
export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}

/** A decoder for a fixture, chosen by its extension. */
export function decoderFor(name: string): WireDecoder {
  return name.endsWith('.ndjson') ? createNdjsonDecoder() : createSseDecoder();
}

/** Decodes bytes fed in the given pieces. */
export function decodeChunks(decoder: WireDecoder, chunks: Uint8Array[]): WireEvent[] {
  const events = chunks.flatMap((chunk) => decoder.push(chunk));
  return [...events, ...decoder.end()];
}

/** Decodes a whole fixture in one push. */
export function decodeFixture(name: string): WireEvent[] {
  return decodeChunks(decoderFor(name), [fixtureBytes(name)]);
}

export interface Replay {
  result: InterpretedResponse;
  events: WireEvent[];
  /** Indexes of the events for which pushEvent returned true. */
  outputEvents: number[];
}

/** Feeds wire events through the interpreter for `api`. */
export function replayEvents(api: ApiKind, events: WireEvent[]): Replay {
  const interpreter = createInterpreter(api);
  if (interpreter === null) throw new Error(`no interpreter for ${api}`);
  const outputEvents: number[] = [];
  events.forEach((event, i) => {
    if (interpreter.pushEvent(event)) outputEvents.push(i);
  });
  return { result: interpreter.snapshot(), events, outputEvents };
}

/** Decodes a fixture and feeds it through the interpreter for `api`. */
export function replay(api: ApiKind, name: string): Replay {
  return replayEvents(api, decodeFixture(name));
}

/** The JSON of the first event that carried model output. */
export function firstOutput(run: Replay): unknown {
  const index = run.outputEvents[0];
  if (index === undefined) return undefined;
  const event = run.events[index];
  return event === undefined ? undefined : (JSON.parse(event.data) as unknown);
}
