import type { ExportFile } from '../shared/contract/inspector-contract.ts';

/** Saves a file the way a web page can: a Blob URL on a temporary `<a download>`. */
export function downloadFile(file: ExportFile): void {
  const href = URL.createObjectURL(new Blob([file.content], { type: file.mimeType }));
  clickDownload(href, file.fileName);
  // The download has taken its copy once the click is handled; give it a moment all the same.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** Lets the browser download from a URL itself (it streams to disk; the server names the file). */
export function downloadUrl(href: string): void {
  clickDownload(href, '');
}

function clickDownload(href: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
}
