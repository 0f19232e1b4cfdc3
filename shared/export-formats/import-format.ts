import { isRecord, parseJson } from '../wire/json-fields.ts';

/** The file formats a session exports to and imports from (the contract's `ExportFormat`). */
export type ImportFormat = 'har' | 'jsonl';

/** Which format an imported file is in, judged by its content: a JSON object with `log` is HAR, else JSONL. */
export function detectImportFormat(name: string, text: string): ImportFormat {
  return importFormatOf(name, text, parseJson(withoutBom(text)));
}

/** Like `detectImportFormat`, for a caller that already tried to parse the whole text (undefined when it is not JSON). */
export function importFormatOf(name: string, text: string, whole: unknown): ImportFormat {
  if (whole !== undefined) return isRecord(whole) && 'log' in whole ? 'har' : 'jsonl';
  // Not one JSON value: JSONL when its first line is JSON; otherwise the name decides whose error to show.
  const firstLine = withoutBom(text)
    .split('\n')
    .find((line) => line.trim() !== '');
  if (firstLine !== undefined && parseJson(firstLine) !== undefined) return 'jsonl';
  return /\.har$/i.test(name) ? 'har' : 'jsonl';
}

/** The text without a leading byte order mark, which some editors add. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
