import './diff.css';
import { stringDifference } from './json-diff.ts';

/** One side of two differing strings: the stretch that differs marked, the common text around it shortened to `around` characters. */
export function MarkedDifference({
  before,
  after,
  side,
  around,
  clip = (text) => text,
}: {
  before: string;
  after: string;
  side: 'before' | 'after';
  around: number;
  /** Shortens a long differing stretch. */
  clip?: (text: string) => string;
}) {
  const d = stringDifference(before, after);
  const rest = side === 'before' ? d.leftTail : d.rightTail;
  const head = d.head.length > around ? `…${d.head.slice(-around)}` : d.head;
  const tail = rest.length > around ? `${rest.slice(0, around)}…` : rest;
  const middle = side === 'before' ? d.left : d.right;
  return (
    <>
      {head}
      {middle !== '' && <mark className={`diff-mark-${side}`}>{clip(middle)}</mark>}
      {tail}
    </>
  );
}
