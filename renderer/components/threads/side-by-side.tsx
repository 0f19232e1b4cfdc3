import { MarkedDifference } from '../diff/marked-difference.tsx';

const AROUND = 60;

/** Two values at one place, the previous turn's beside this one's, the stretch that differs marked. */
export function SideBySide({
  before,
  after,
  label,
}: {
  before: string | null;
  after: string | null;
  label: string;
}) {
  const cell = (value: string | null, side: 'before' | 'after') => {
    if (value === null) return <span className="diff-absent">(absent)</span>;
    if (before === null || after === null) return value;
    return <MarkedDifference before={before} after={after} side={side} around={AROUND} />;
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: two values side by side are a group of text, not a form's fieldset
    <div className="side-by-side" role="group" aria-label={label}>
      <div>
        <div className="side-label">Previous turn</div>
        <pre className="side-value">{cell(before, 'before')}</pre>
      </div>
      <div>
        <div className="side-label">This turn</div>
        <pre className="side-value">{cell(after, 'after')}</pre>
      </div>
    </div>
  );
}
