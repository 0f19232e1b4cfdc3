/** The printed table: one row per measured figure, with its goal and PASS/MISS. */

export interface Row {
  scenario: string;
  direct: string;
  proxied: string;
  added: string;
  goal: string;
  result: 'PASS' | 'MISS' | '';
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(3)} ms`;
}

export function signedMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`;
}

export function verdict(ok: boolean): 'PASS' | 'MISS' {
  return ok ? 'PASS' : 'MISS';
}

export function formatTable(rows: readonly Row[]): string {
  const cells = (r: Row): string[] => [r.scenario, r.direct, r.proxied, r.added, r.goal, r.result];
  return formatGrid(['scenario', 'direct', 'proxied', 'added', 'goal', ''], rows.map(cells));
}

/** A plain-text table: the first column left-aligned, the others right-aligned, a rule under the header. */
export function formatGrid(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    widths
      .map((width, i) => (i === 0 ? (c[i] ?? '').padEnd(width) : (c[i] ?? '').padStart(width)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
