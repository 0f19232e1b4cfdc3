/**
 * `node test/bench/route-lookup.ts`: what choosing a route costs one request, against what the
 * proxy did before routes (prefix + path). A micro-measure: millions of look-ups over a mix of
 * routed, unrouted and auto-detected paths, best of several rounds, in ns per request.
 */
import { buildRouteTable, parseRoutes } from '../../electron/proxy/routes.ts';
import { parseUpstream } from '../../electron/proxy/upstream-target.ts';

const upstream = parseUpstream('https://api.openai.com');
const table = buildRouteTable(upstream, parseRoutes('groq=https://api.groq.com/openai'), true);
const cases: Array<[string, Record<string, string>]> = [
  ['/v1/chat/completions', { authorization: 'Bearer x', 'content-type': 'application/json' }],
  ['/openai/v1/responses', { authorization: 'Bearer x' }],
  ['/anthropic/v1/messages', { 'x-api-key': 'x', 'anthropic-version': '2023-06-01' }],
  ['/v1/messages', { 'x-api-key': 'x', 'anthropic-version': '2023-06-01' }],
  ['/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', { 'x-goog-api-key': 'x' }],
  ['/groq/v1/chat/completions?x=1', {}],
];
const N = 2_000_000;
let sink = 0;

function round(run: (i: number) => number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += run(i);
  return Number(process.hrtime.bigint() - start) / N;
}

const routed = (i: number) => {
  const [url, headers] = cases[i % cases.length] as [string, Record<string, string>];
  return table.resolve(url, headers).path.length;
};
const before = (i: number) => {
  const [url] = cases[i % cases.length] as [string, Record<string, string>];
  return (upstream.pathPrefix + url).length;
};
let best = { routed: Number.POSITIVE_INFINITY, before: Number.POSITIVE_INFINITY };
for (let r = 0; r < 7; r++)
  best = { routed: Math.min(best.routed, round(routed)), before: Math.min(best.before, round(before)) };
console.log(
  `route look-up: ${best.routed.toFixed(1)} ns/request (before routes: ${best.before.toFixed(1)} ns; added ${(best.routed - best.before).toFixed(1)} ns)${sink === 0 ? '' : ''}`,
);
