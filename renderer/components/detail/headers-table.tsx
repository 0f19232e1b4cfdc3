import type { HeaderMap } from '../../../shared/exchange/capture-events.ts';

/** Header name/value pairs (secrets were redacted at capture). */
export function HeadersTable({ headers, label }: { headers: HeaderMap; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="muted">No headers.</p>;
  return (
    <table className="kv-table" aria-label={label}>
      <tbody>
        {entries.flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value]).map((v, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: repeated headers are told apart by their place
            <tr key={`${name}-${i}`}>
              <th scope="row">{name}</th>
              <td>{v}</td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}
