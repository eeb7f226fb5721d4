/**
 * Returns the URL when it is an absolute http(s) URL, else undefined. Only those become links: a
 * `javascript:` or `data:` value in an attribute must stay inert text.
 */
export function safeHttpUrl(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
