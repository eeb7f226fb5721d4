/**
 * Writes text to the clipboard with the Clipboard API; false when the page may not (no API outside a
 * secure context, e.g. the UI served over plain http from another host, or permission refused).
 */
export async function writeClipboard(text: string): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.clipboard?.writeText) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the selected contents of a text field the old way. Works outside a secure context, but only
 * inside the click that asks for it, which is why the fallback dialog has its own Copy button.
 */
export function copySelection(field: HTMLTextAreaElement): boolean {
  field.focus();
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
