import type { ExportFile } from '../shared/inspector-contract.ts';

/** Saves a file the way a web page can: a Blob URL on a temporary `<a download>`. */
export function downloadFile(file: ExportFile): void {
  const blob = new Blob([file.content], { type: file.mimeType });
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = file.fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click is handled; give it a moment all the same.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
