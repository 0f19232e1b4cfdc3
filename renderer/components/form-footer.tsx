/** The end of every dialog form: its error, if any, then Cancel and the submit button. */
export function FormFooter({
  error,
  busy,
  label,
  busyLabel,
  onCancel,
}: {
  error: string | null;
  busy: boolean;
  label: string;
  busyLabel: string;
  onCancel: () => void;
}) {
  return (
    <>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-buttons">
        <button type="button" className="tool-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="tool-button primary" disabled={busy}>
          {busy ? busyLabel : label}
        </button>
      </div>
    </>
  );
}
