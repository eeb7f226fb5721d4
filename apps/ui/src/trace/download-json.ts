import { downloadFile } from './download-file.js';

/** Saves `data` as a pretty-printed JSON file. */
export function downloadJson(filename: string, data: unknown): void {
  downloadFile(filename, JSON.stringify(data, null, 2), 'application/json');
}
