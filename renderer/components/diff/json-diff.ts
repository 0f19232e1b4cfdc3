import microdiff, { type Difference } from 'microdiff';
import { formatPath, type PathStep, pathKey } from '../json-tree/json-path.ts';

/** One value of the side-by-side diff, named by its path; `before`/`after` are JSON text (null: absent on that side). */
export interface DiffRow {
  kind: 'same' | 'changed' | 'added' | 'removed';
  path: string;
  before: string | null;
  after: string | null;
}

/** A run of unchanged values folded away, shown on request. */
export interface DiffFold {
  kind: 'fold';
  rows: DiffRow[];
}

export type DiffLine = DiffRow | DiffFold;

export interface JsonDiff {
  lines: DiffLine[];
  changed: number;
  added: number;
  removed: number;
}

/** Unchanged rows kept around each change; longer runs than twice this (plus one) are folded. */
const CONTEXT = 2;

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;
const text = (v: unknown): string => (v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v)));

function rowOf(change: Difference): DiffRow {
  const path = formatPath(change.path);
  if (change.type === 'CREATE') return { kind: 'added', path, before: null, after: text(change.value) };
  if (change.type === 'REMOVE') return { kind: 'removed', path, before: text(change.oldValue), after: null };
  return { kind: 'changed', path, before: text(change.oldValue), after: text(change.value) };
}

/**
 * Every value of `a` and `b` in document order, by path: microdiff's changes where they are, each
 * unchanged leaf between them, removed values where they stood (after their last surviving sibling).
 */
function diffRows(a: unknown, b: unknown): DiffRow[] {
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) {
    if (Object.is(a, b) || text(a) === text(b))
      return [{ kind: 'same', path: '(root)', before: text(a), after: text(b) }];
    return [{ kind: 'changed', path: '(root)', before: text(a), after: text(b) }];
  }
  const changes = microdiff(a, b);
  const at = new Map<string, Difference>();
  /** Removals by the path of the container they left. */
  const removedFrom = new Map<string, Difference[]>();
  for (const change of changes) {
    at.set(pathKey(change.path), change);
    if (change.type === 'REMOVE') {
      const parent = pathKey(change.path.slice(0, -1));
      removedFrom.set(parent, [...(removedFrom.get(parent) ?? []), change]);
    }
  }
  const rows: DiffRow[] = [];
  const walk = (value: unknown, steps: PathStep[]): void => {
    const key = pathKey(steps);
    const change = at.get(key);
    if (change !== undefined && change.type !== 'REMOVE') {
      rows.push(rowOf(change));
      return;
    }
    if (isContainer(value) && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0)) {
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) walk(value[i], [...steps, i]);
      else for (const [name, child] of Object.entries(value)) walk(child, [...steps, name]);
    } else {
      rows.push({ kind: 'same', path: formatPath(steps), before: text(value), after: text(value) });
    }
    for (const removal of removedFrom.get(key) ?? []) rows.push(rowOf(removal));
  };
  walk(b, []);
  return rows;
}

/** Folds runs of unchanged rows, keeping a little context around each change. */
function fold(rows: readonly DiffRow[]): DiffLine[] {
  const lines: DiffLine[] = [];
  let run: DiffRow[] = [];
  const flush = (atStart: boolean, atEnd: boolean) => {
    const keepHead = atStart ? 0 : CONTEXT;
    const keepTail = atEnd ? 0 : CONTEXT;
    if (run.length <= keepHead + keepTail + 1) lines.push(...run);
    else {
      lines.push(...run.slice(0, keepHead));
      lines.push({ kind: 'fold', rows: run.slice(keepHead, run.length - keepTail) });
      lines.push(...run.slice(run.length - keepTail));
    }
    run = [];
  };
  let seenChange = false;
  for (const row of rows) {
    if (row.kind === 'same') {
      run.push(row);
      continue;
    }
    flush(!seenChange, false);
    seenChange = true;
    lines.push(row);
  }
  flush(!seenChange, true);
  return lines;
}

/** A structural diff of two JSON values, side by side by path, unchanged long runs folded. */
export function jsonDiff(a: unknown, b: unknown): JsonDiff {
  const rows = diffRows(a, b);
  const count = (kind: DiffRow['kind']) => rows.filter((r) => r.kind === kind).length;
  return { lines: fold(rows), changed: count('changed'), added: count('added'), removed: count('removed') };
}

/** How many characters must agree again after a difference before the two sides count as back in step. */
const RESYNC = 12;
/** How far (in characters) to look for that on each side. */
const RESYNC_WINDOW = 80;

/**
 * Where two strings differ: the common start, each side's differing middle, and each side's rest.
 * The common end is found from the back; when the two are windows cut at the same length (so their
 * ends do not line up), the middle ends where the sides agree again for a few characters.
 */
export function stringDifference(
  before: string,
  after: string,
): { head: string; left: string; right: string; leftTail: string; rightTail: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  let leftEnd = before.length - end;
  let rightEnd = after.length - end;
  if (end < RESYNC) {
    search: for (let total = 0; total <= 2 * RESYNC_WINDOW; total++) {
      for (let a = Math.max(0, total - RESYNC_WINDOW); a <= Math.min(total, RESYNC_WINDOW); a++) {
        const b = total - a;
        const l = before.slice(start + a, start + a + RESYNC);
        if (l.length === RESYNC && l === after.slice(start + b, start + b + RESYNC)) {
          leftEnd = start + a;
          rightEnd = start + b;
          break search;
        }
      }
    }
  }
  return {
    head: before.slice(0, start),
    left: before.slice(start, leftEnd),
    right: after.slice(start, rightEnd),
    leftTail: before.slice(leftEnd),
    rightTail: after.slice(rightEnd),
  };
}
