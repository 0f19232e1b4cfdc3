import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiKind } from '../../shared/api-kind.ts';
import { createInterpreter } from '../../shared/llm-interpreter.ts';
import type { InterpretedResponse, WireEvent } from '../../shared/llm-response.ts';
import { createNdjsonDecoder } from '../../shared/ndjson-decoder.ts';
import { createSseDecoder } from '../../shared/sse-decoder.ts';
import type { WireDecoder } from '../../shared/wire-decoder.ts';

const dir = fileURLToPath(new URL('../fixtures/streams/', import.meta.url));

/** Names of the fixture files whose name ends with `suffix`. */
export function fixtureNames(suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

/** A fixture's raw bytes. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(dir + name));
}

/** A fixture's text. */
export function fixtureText(name: string): string {
  return readFileSync(dir + name, 'utf8');
}

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
