import type { Channel, ExportRequest, InspectorRequests, Settings } from '../../shared/inspector-contract.ts';
import { checkReplayStartRequest, checkResendRequest } from '../replay/replay-arguments.ts';
import { checkTelemetryUpdate } from '../telemetry/telemetry-settings.ts';

/** A message whose arguments do not match its channel's contract. */
export class ArgumentError extends Error {
  constructor(channel: string, problem: string) {
    super(`${channel}: ${problem}`);
    this.name = 'ArgumentError';
  }
}

/** Checks one channel's raw IPC arguments and returns them typed, or throws an `ArgumentError`. */
export type ArgumentCheck<C extends Channel> = (args: readonly unknown[]) => InspectorRequests[C]['args'];

// Ids and session names are short file-name-like strings; addresses and URLs are short too.
const MAX_ID = 256;
const MAX_SETTING = 2048;
const MAX_FILE_NAME = 1024;
/** The headless server's import limit, in UTF-16 code units here. */
const MAX_IMPORT_CHARS = 512 * 1024 * 1024;
const MAX_IDS = 1_000_000;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string of ${value.length} characters` : `${typeof value}`;
}

function arity(channel: Channel, args: readonly unknown[], names: readonly string[]): void {
  if (args.length !== names.length) {
    const wanted = names.length === 0 ? 'no arguments' : `${names.length} (${names.join(', ')})`;
    throw new ArgumentError(channel, `takes ${wanted}, got ${args.length}`);
  }
}

function string(channel: Channel, name: string, value: unknown, max: number): string {
  if (typeof value !== 'string')
    throw new ArgumentError(channel, `${name} must be a string, got ${describe(value)}`);
  if (value.length > max) throw new ArgumentError(channel, `${name} is longer than ${max} characters`);
  return value;
}

function nullableString(channel: Channel, name: string, value: unknown, max: number): string | null {
  return value === null ? null : string(channel, name, value, max);
}

function record(channel: Channel, name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArgumentError(channel, `${name} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function settings(channel: Channel, value: unknown): Settings {
  const body = record(channel, 'settings', value);
  const checked: Settings = {
    listenAddr: string(channel, 'settings.listenAddr', body.listenAddr, MAX_SETTING),
    upstream: string(channel, 'settings.upstream', body.upstream, MAX_SETTING),
  };
  if (body.allowedOrigins !== undefined)
    checked.allowedOrigins = string(channel, 'settings.allowedOrigins', body.allowedOrigins, MAX_SETTING);
  if (body.routes !== undefined)
    checked.routes = string(channel, 'settings.routes', body.routes, MAX_SETTING);
  if (body.telemetry !== undefined) {
    try {
      checked.telemetry = checkTelemetryUpdate(body.telemetry);
    } catch (error) {
      throw new ArgumentError(channel, (error as Error).message);
    }
  }
  return checked;
}

function exportRequest(channel: Channel, value: unknown): ExportRequest {
  const body = record(channel, 'request', value);
  if (body.format !== 'har' && body.format !== 'jsonl') {
    throw new ArgumentError(channel, `request.format must be "har" or "jsonl", got ${describe(body.format)}`);
  }
  let ids: string[] | null = null;
  if (body.ids !== null) {
    if (!Array.isArray(body.ids)) {
      throw new ArgumentError(
        channel,
        `request.ids must be an array of strings or null, got ${describe(body.ids)}`,
      );
    }
    if (body.ids.length > MAX_IDS) throw new ArgumentError(channel, `request.ids has over ${MAX_IDS} ids`);
    ids = body.ids.map((id: unknown, i) => string(channel, `request.ids[${i}]`, id, MAX_ID));
  }
  return {
    format: body.format,
    session: nullableString(channel, 'request.session', body.session, MAX_ID),
    ids,
  };
}

/** Runs a shared check (the headless HTTP routes use the same ones) and names the channel in its error. */
function checked<T>(channel: Channel, check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw new ArgumentError(channel, (error as Error).message);
  }
}

/**
 * The boundary check of every channel: IPC carries whatever a compromised renderer sends, so
 * each handler only ever sees arguments of its contract's types. Keyed by `Channel`, so a
 * missing or misnamed channel does not compile.
 */
export const ARGUMENT_CHECKS: { readonly [C in Channel]: ArgumentCheck<C> } = {
  'status.get': (args) => {
    arity('status.get', args, []);
    return [];
  },
  'settings.update': (args) => {
    arity('settings.update', args, ['settings']);
    return [settings('settings.update', args[0])];
  },
  'capture.setPaused': (args) => {
    arity('capture.setPaused', args, ['paused']);
    if (typeof args[0] !== 'boolean') {
      throw new ArgumentError('capture.setPaused', `paused must be a boolean, got ${describe(args[0])}`);
    }
    return [args[0]];
  },
  'exchanges.list': (args) => {
    arity('exchanges.list', args, ['session']);
    return [nullableString('exchanges.list', 'session', args[0], MAX_ID)];
  },
  'exchanges.get': (args) => {
    arity('exchanges.get', args, ['id', 'session']);
    return [
      string('exchanges.get', 'id', args[0], MAX_ID),
      nullableString('exchanges.get', 'session', args[1], MAX_ID),
    ];
  },
  'usage.get': (args) => {
    arity('usage.get', args, ['session']);
    return [nullableString('usage.get', 'session', args[0], MAX_ID)];
  },
  'threads.list': (args) => {
    arity('threads.list', args, ['session']);
    return [nullableString('threads.list', 'session', args[0], MAX_ID)];
  },
  'search.text': (args) => {
    arity('search.text', args, ['text', 'session']);
    return [
      string('search.text', 'text', args[0], MAX_SETTING),
      nullableString('search.text', 'session', args[1], MAX_ID),
    ];
  },
  'threads.get': (args) => {
    arity('threads.get', args, ['id', 'session']);
    return [
      string('threads.get', 'id', args[0], MAX_ID),
      nullableString('threads.get', 'session', args[1], MAX_ID),
    ];
  },
  'sessions.list': (args) => {
    arity('sessions.list', args, []);
    return [];
  },
  'sessions.create': (args) => {
    arity('sessions.create', args, []);
    return [];
  },
  'sessions.delete': (args) => {
    arity('sessions.delete', args, ['id']);
    return [string('sessions.delete', 'id', args[0], MAX_ID)];
  },
  'export.build': (args) => {
    arity('export.build', args, ['request']);
    return [exportRequest('export.build', args[0])];
  },
  'import.load': (args) => {
    arity('import.load', args, ['file']);
    const file = record('import.load', 'file', args[0]);
    return [
      {
        name: string('import.load', 'file.name', file.name, MAX_FILE_NAME),
        content: string('import.load', 'file.content', file.content, MAX_IMPORT_CHARS),
      },
    ];
  },
  'replay.start': (args) => {
    arity('replay.start', args, ['request']);
    return [checked('replay.start', () => checkReplayStartRequest(args[0]))];
  },
  'replay.stop': (args) => {
    arity('replay.stop', args, []);
    return [];
  },
  'exchanges.resend': (args) => {
    arity('exchanges.resend', args, ['request']);
    return [checked('exchanges.resend', () => checkResendRequest(args[0]))];
  },
};
