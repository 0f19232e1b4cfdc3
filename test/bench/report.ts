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
  const header: Row = {
    scenario: 'scenario',
    direct: 'direct',
    proxied: 'proxied',
    added: 'added',
    goal: 'goal',
    result: '',
  };
  const cells = (r: Row): string[] => [r.scenario, r.direct, r.proxied, r.added, r.goal, r.result];
  const all = [header, ...rows].map(cells);
  const widths = (all[0] ?? []).map((_, i) => Math.max(...all.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]): string =>
    c
      .map((text, i) => (i === 0 ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells(header)), rule, ...rows.map((r) => line(cells(r)))].join('\n');
}
