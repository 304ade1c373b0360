// Which links from model output may be opened outside VS Code (after the user confirms).
const OPENABLE = new Set(['http:', 'https:', 'mailto:']);

/** The normalized URL if `href` is an absolute http(s)/mailto link, else undefined. */
export function openableUrl(href: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return undefined;
  }
  return OPENABLE.has(url.protocol) ? url.href : undefined;
}
