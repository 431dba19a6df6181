/**
 * "Save a screenshot": the remote picture as a PNG (lossless: the decoded pixels exactly), saved
 * with one click through an <a download> (works in extension pages and plain pages alike). The
 * name carries the local date and time so successive shots sort and never overwrite each other.
 */

/** "lifeline-screen-2026-11-25-153012.png" for a local date. */
export function screenshotFileName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `lifeline-screen-${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}-` +
    `${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}.png`
  );
}

/** Saves `png` under `fileName` through the browser's download. */
export function downloadBlob(png: Blob, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(png);
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.append(a);
  a.click();
  a.remove();
  // The download has taken its copy once the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
