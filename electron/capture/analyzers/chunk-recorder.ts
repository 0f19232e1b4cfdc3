import type { Analyzer } from '../analyzer.ts';

/** Keeps a streamed response's chunks as text with their arrival times, for the raw view and replay. */
export function chunkRecorder(limitBytes: number): Analyzer {
  const decoder = new TextDecoder('utf-8');
  let kept = 0;
  return {
    name: 'chunk-recorder',
    onResponseData(draft, data, t) {
      if (!draft.responseIsStream || kept >= limitBytes) return;
      kept += data.byteLength;
      // stream: true keeps a character split across chunks whole, in the chunk where it completes.
      draft.record.chunks.push({ t, data: decoder.decode(data, { stream: true }) });
    },
  };
}
