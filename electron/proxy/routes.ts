import type { IncomingHttpHeaders } from 'node:http';
import { parseUpstream, type UpstreamTarget } from './upstream-target.ts';

/** The provider recorded for a request that no route claimed: it went to `UPSTREAM`. */
export const DEFAULT_PROVIDER = 'upstream';

/** Path prefixes every Tokentap knows: `/anthropic/v1/messages` → `https://api.anthropic.com/v1/messages`. */
export const BUILT_IN_ROUTES: Readonly<Record<string, string>> = {
  openai: 'https://api.openai.com',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  ollama: 'http://127.0.0.1:11434',
};

/** A route name: what goes between the first two slashes of a path. */
const ROUTE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** One route as configured (`groq=https://api.groq.com/openai`). */
export interface RouteEntry {
  name: string;
  url: string;
}

/**
 * Parses `TOKENTAP_ROUTES` (`name=url,name=url`): throws one error naming the entry when a name is
 * not a lowercase path segment, a URL is not http(s), or a name comes twice.
 */
export function parseRoutes(text: string): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq === -1)
      throw new Error(`route "${entry}": expected name=url, e.g. groq=https://api.groq.com/openai`);
    const name = entry.slice(0, eq).trim();
    const url = entry.slice(eq + 1).trim();
    if (!ROUTE_NAME.test(name))
      throw new Error(
        `route "${entry}": the name "${name}" must be a path segment of lowercase letters, digits, ".", "_" or "-"`,
      );
    if (name === DEFAULT_PROVIDER)
      throw new Error(
        `route "${entry}": "${DEFAULT_PROVIDER}" names the default (UPSTREAM); pick another name`,
      );
    if (seen.has(name)) throw new Error(`route "${entry}": "${name}" is given twice`);
    seen.add(name);
    try {
      parseUpstream(url);
    } catch (error) {
      throw new Error(`route "${entry}": ${(error as Error).message}`);
    }
    entries.push({ name, url });
  }
  return entries;
}

/** Where one request goes: the route's name, its upstream, and the path to send there. */
export interface ResolvedRoute {
  /** The route name (`anthropic`), or `upstream` for the default. */
  provider: string;
  target: UpstreamTarget;
  /** The path and query to send upstream: the route prefix stripped, the target's own prefix added. */
  path: string;
  /** The prefix the client's path carried (`/anthropic`), '' when none: what API detection skips. */
  prefix: string;
}

/** One route in the table, its strings made once. */
interface TableRoute {
  provider: string;
  target: UpstreamTarget;
  prefix: string;
  yieldsToAzure: boolean;
}

/**
 * Every route the proxy forwards by, built once per settings change: the first path segment is one
 * Map look-up, so routing costs the forwarding path nothing measurable.
 */
export class RouteTable {
  readonly upstream: UpstreamTarget;
  /** Unprefixed requests unmistakably for Anthropic or Gemini go to those routes (UPSTREAM left at its default). */
  readonly autoDetect: boolean;
  /** By name; each entry keeps the strings made once, so a look-up allocates only its answer. */
  readonly #routes: Map<string, TableRoute>;

  /** `yieldsToAzure`: routes that leave Azure OpenAI requests (`/openai/deployments/…`) to UPSTREAM. */
  constructor(
    upstream: UpstreamTarget,
    routes: ReadonlyMap<string, UpstreamTarget>,
    autoDetect: boolean,
    yieldsToAzure: ReadonlySet<string> = new Set(),
  ) {
    this.upstream = upstream;
    this.autoDetect = autoDetect;
    this.#routes = new Map();
    for (const [name, target] of routes) {
      const route = { provider: name, target, prefix: `/${name}`, yieldsToAzure: yieldsToAzure.has(name) };
      this.#routes.set(name, route);
    }
  }

  /** The routes by name with their URLs, built-ins first, for display. */
  list(): RouteEntry[] {
    return [...this.#routes.values()].map(({ provider, target }) => ({ name: provider, url: target.url }));
  }

  /** The upstream of a route, if there is one by that name. */
  get(name: string): UpstreamTarget | undefined {
    return this.#routes.get(name)?.target;
  }

  /** Where a request for `url` (path and query as the client sent it) goes. */
  resolve(url: string, headers: IncomingHttpHeaders): ResolvedRoute {
    // The first segment ends at the next '/' or '?'; a '/'-less URL (`*`) has none.
    if (url.charCodeAt(0) === 47) {
      let end = 1;
      while (end < url.length) {
        const c = url.charCodeAt(end);
        if (c === 47 || c === 63) break;
        end++;
      }
      const route = this.#routes.get(url.slice(1, end));
      if (route !== undefined && !(route.yieldsToAzure && isAzureRequest(url, end, headers))) {
        const { provider, target, prefix } = route;
        const rest =
          end === url.length ? '/' : url.charCodeAt(end) === 63 ? `/${url.slice(end)}` : url.slice(end);
        return { provider, target, path: target.pathPrefix + rest, prefix };
      }
    }
    if (this.autoDetect) {
      const detected = detectProvider(url, headers);
      const route = detected === null ? undefined : this.#routes.get(detected);
      if (route !== undefined)
        return {
          provider: route.provider,
          target: route.target,
          path: route.target.pathPrefix + url,
          prefix: '',
        };
    }
    const upstream = this.upstream;
    return { provider: DEFAULT_PROVIDER, target: upstream, path: upstream.pathPrefix + url, prefix: '' };
  }
}

/** Where a request for `url` goes by `table` (the proxy's HTTP and WebSocket paths both ask this). */
export function resolveRoute(table: RouteTable, url: string, headers: IncomingHttpHeaders): ResolvedRoute {
  return table.resolve(url, headers);
}

/**
 * Builds the table: the built-ins, overridden or extended by `entries` (settings or
 * `TOKENTAP_ROUTES`). Azure OpenAI's own paths start with `/openai/`, so the built-in `openai`
 * route stands aside when UPSTREAM is an Azure resource, and leaves Azure-shaped requests
 * (deployments, an `api-key` header, `api-version`) to UPSTREAM otherwise; an `openai=` entry
 * claims them all.
 */
export function buildRouteTable(
  upstream: UpstreamTarget,
  entries: readonly RouteEntry[],
  autoDetect: boolean,
): RouteTable {
  const routes = new Map<string, UpstreamTarget>();
  const azure = isAzureOrigin(upstream.origin);
  for (const [name, url] of Object.entries(BUILT_IN_ROUTES)) {
    if (name === 'openai' && azure) continue;
    routes.set(name, parseUpstream(url));
  }
  for (const entry of entries) routes.set(entry.name, parseUpstream(entry.url));
  const yieldsToAzure = new Set(entries.some((e) => e.name === 'openai') ? [] : ['openai']);
  return new RouteTable(upstream, routes, autoDetect, yieldsToAzure);
}

/**
 * An Azure OpenAI request under `/openai` (`end`: where that segment ends): a deployment path, an
 * `api-key` header (Azure's; OpenAI's SDKs send `Authorization`) or an `api-version` query.
 */
function isAzureRequest(url: string, end: number, headers: IncomingHttpHeaders): boolean {
  return (
    url.startsWith('/deployments/', end) ||
    headers['api-key'] !== undefined ||
    (url.includes('?', end) && /[?&]api-version=/.test(url))
  );
}

const AZURE_HOST = /\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/;

function isAzureOrigin(origin: string): boolean {
  try {
    return AZURE_HOST.test(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/**
 * The provider an unprefixed request unmistakably belongs to, or null: Anthropic for
 * `/v1/messages…` or an `anthropic-version` header, Gemini for `…:generateContent` /
 * `…:streamGenerateContent` / `…:countTokens` on `/v1beta/models/` or an `x-goog-api-key` header.
 */
export function detectProvider(url: string, headers: IncomingHttpHeaders): 'anthropic' | 'gemini' | null {
  if (headers['anthropic-version'] !== undefined) return 'anthropic';
  if (headers['x-goog-api-key'] !== undefined) return 'gemini';
  if (url.startsWith('/v1/messages') && isSegmentEnd(url, 12)) return 'anthropic';
  if (url.startsWith('/v1beta/models/') || url.startsWith('/v1/models/')) {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (/:(generateContent|streamGenerateContent|countTokens)$/.test(path)) return 'gemini';
  }
  return null;
}

function isSegmentEnd(url: string, at: number): boolean {
  const c = url.charCodeAt(at);
  return Number.isNaN(c) || c === 47 || c === 63;
}
