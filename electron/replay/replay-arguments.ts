import type { ReplayStartRequest, ResendRequest } from '../../shared/inspector-contract.ts';
import { checkFault } from './fault-spec.ts';

// Request bodies are edited text; keep them within what a request may reasonably be.
const MAX_BODY_CHARS = 64 * 1024 * 1024;
const MAX_SHORT = 4096;

function object(what: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function optionalString(what: string, value: unknown, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${what} must be a string`);
  if (value.length > max) throw new Error(`${what} is longer than ${max} characters`);
  return value;
}

function nullableString(what: string, value: unknown): string | null {
  return value === null || value === undefined ? null : (optionalString(what, value, MAX_SHORT) as string);
}

/** Checks `replay.start`'s argument as it arrives over HTTP or IPC; throws an Error saying what is wrong. */
export function checkReplayStartRequest(value: unknown): ReplayStartRequest {
  const body = object('the replay request', value);
  const speed = body.speed === undefined ? 1 : body.speed;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0)
    throw new Error('speed must be 0 (as fast as possible) or a positive number');
  if (body.fallthrough !== undefined && typeof body.fallthrough !== 'boolean')
    throw new Error('fallthrough must be a boolean');
  const faults = body.faults === undefined ? [] : body.faults;
  if (!Array.isArray(faults)) throw new Error('faults must be an array');
  let ignoredFields: string[] | null = null;
  if (body.ignoredFields !== undefined && body.ignoredFields !== null) {
    if (
      !Array.isArray(body.ignoredFields) ||
      !body.ignoredFields.every((f) => typeof f === 'string' && f.length < MAX_SHORT)
    )
      throw new Error('ignoredFields must be an array of field names, or null for the defaults');
    ignoredFields = body.ignoredFields as string[];
  }
  return {
    session: nullableString('session', body.session),
    speed,
    fallthrough: body.fallthrough === true,
    faults: faults.map(checkFault),
    ignoredFields,
  };
}

/** Checks `exchanges.resend`'s argument as it arrives over HTTP or IPC. */
export function checkResendRequest(value: unknown): ResendRequest {
  const body = object('the resend request', value);
  const id = optionalString('id', body.id, MAX_SHORT);
  if (!id) throw new Error('id must name the exchange to resend');
  const request: ResendRequest = { id, session: nullableString('session', body.session) };
  const edited = optionalString('body', body.body, MAX_BODY_CHARS);
  if (edited !== undefined) request.body = edited;
  const model = optionalString('model', body.model, MAX_SHORT);
  if (model !== undefined && model !== '') request.model = model;
  const apiKey = optionalString('apiKey', body.apiKey, MAX_SHORT);
  if (apiKey !== undefined && apiKey !== '') request.apiKey = apiKey;
  return request;
}
