import { useEffect, useMemo, useState } from 'react';
import type { CapturedBody } from '../../../shared/exchange/exchange-record.ts';
import { capturedBodyBytes } from '../../../shared/wire/body-bytes.ts';
import { formatBytes, formatInt } from '../../format.ts';
import { TextBodyView } from '../json-tree/text-body-view.tsx';

function contentTypeOf(captured: CapturedBody): string {
  const value = captured.headers['content-type'];
  return ((Array.isArray(value) ? value[0] : value) ?? '').trim();
}

/** A file name for the body: `<name>.<subtype>` (audio/mpeg → mp3, unknown → bin). */
function fileNameOf(name: string, contentType: string): string {
  const subtype = /^[a-z]+\/([a-z0-9.+-]+)/i.exec(contentType)?.[1]?.toLowerCase().replace(/^x-/, '') ?? '';
  const ext =
    subtype === 'mpeg' ? 'mp3' : /^[a-z0-9]{1,8}$/.test(subtype) && subtype !== 'octet' ? subtype : 'bin';
  return `${name}.${ext}`;
}

/** A Blob URL of the body's bytes for as long as the view shows them. */
function useBlobUrl(captured: CapturedBody, type: string): { url: string | null; size: number } {
  const bytes = useMemo(() => capturedBodyBytes(captured), [captured]);
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const href = URL.createObjectURL(new Blob([bytes], { type: type || 'application/octet-stream' }));
    setUrl(href);
    return () => URL.revokeObjectURL(href);
  }, [bytes, type]);
  return { url, size: bytes.byteLength };
}

/** A body that is not text: its type and size, a download, and a player for audio. */
function BinaryBody({ captured, label, name }: { captured: CapturedBody; label: string; name: string }) {
  const type = contentTypeOf(captured);
  const { url, size } = useBlobUrl(captured, type);
  return (
    <figure className="binary-body" aria-label={label}>
      <figcaption>
        {type || 'unknown type'} · {formatBytes(size)} ({formatInt(size)} bytes)
      </figcaption>
      {url && /^audio\//i.test(type) && (
        // biome-ignore lint/a11y/useMediaCaption: recorded API audio has no captions to offer
        <audio controls src={url} aria-label={`Play ${label.toLowerCase()}`} />
      )}
      {url && (
        <a className="tool-button" href={url} download={fileNameOf(name, type)}>
          Download
        </a>
      )}
    </figure>
  );
}

/** Where the capture queue dropped bytes of this body (traffic was not affected). */
export function BodyHoles({ captured }: { captured: CapturedBody }) {
  const holes = captured.holes ?? [];
  if (holes.length === 0) return null;
  const missing = holes.reduce((sum, hole) => sum + hole.bytes, 0);
  return (
    <div className="integrity-flag" role="note" aria-label="Body holes">
      <p>
        {holes.length === 1 ? '1 hole' : `${formatInt(holes.length)} holes`}: {formatBytes(missing)} of{' '}
        {formatBytes(captured.bodyBytes)} were not captured (analysis fell behind; the traffic was not
        affected).
      </p>
      <ul>
        {holes.slice(0, 20).map((hole) => (
          <li key={hole.at}>
            at byte {formatInt(hole.at)}: {formatInt(hole.bytes)} bytes missing
          </li>
        ))}
        {holes.length > 20 && <li>… and {formatInt(holes.length - 20)} more</li>}
      </ul>
    </div>
  );
}

/** A captured body: text as a JSON tree or as it is, anything else as type, size, download and player; holes marked. */
export function BodyView({ captured, label, name }: { captured: CapturedBody; label: string; name: string }) {
  const empty = captured.body === '';
  return (
    <>
      <BodyHoles captured={captured} />
      {empty ? (
        <p className="muted">No body.</p>
      ) : captured.encoding === 'base64' ? (
        <BinaryBody captured={captured} label={label} name={name} />
      ) : (
        <TextBodyView text={captured.body} label={label} />
      )}
    </>
  );
}
