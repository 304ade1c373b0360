// Markdown-ish markup models wrap edits in: code fences, file-name lines, delete requests.

export interface FenceOpen { marker: string; info: string }

export function fenceOpen(line: string): FenceOpen | null {
  const m = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/.exec(line);
  return m ? { marker: m[1], info: m[2].trim() } : null;
}

export function isFenceClose(line: string, open: FenceOpen): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
  return !!m && m[1][0] === open.marker[0] && m[1].length >= open.marker.length;
}

const PATHISH = /^[\w@~.\/\\:+\-]+$/;

function looksLikePath(s: string): boolean {
  if (!PATHISH.test(s) || s.endsWith('.') || s.endsWith(':')) return false;
  if (/^[a-z]+:\/\//i.test(s)) return false; // a URL
  return /\.[A-Za-z0-9_]{1,10}$/.test(s) || (s.includes('/') && !s.endsWith('/') && /[A-Za-z]/.test(s));
}

/** The file path a line names on its own ("src/a.ts", "`a.ts`", "**File: a.ts**", "### a.ts:"), if any. */
export function pathFromLine(line: string): string | undefined {
  let s = line.trim();
  s = s.replace(/^#{1,6}\s+/, '').replace(/^(?:\*\*|__)(.*)(?:\*\*|__)$/, '$1').trim();
  s = s.replace(/^(?:file(?:name)?|path)\s*:\s*/i, '').replace(/:$/, '').trim();
  s = s.replace(/^`(.*)`$/, '$1').replace(/^(?:\*\*|__)(.*)(?:\*\*|__)$/, '$1').trim();
  return looksLikePath(s) ? s : undefined;
}

/** A path in a fence info string: "```ts src/a.ts", "```src/a.ts", "```python:a.py", "```ts title=a.ts". */
export function pathFromFenceInfo(info: string): string | undefined {
  for (const word of info.split(/\s+/)) {
    const candidate = word.replace(/^(?:title|file|path)=["']?(.*?)["']?$/, '$1');
    const afterColon = candidate.includes(':') && !/^[A-Za-z]:[\\/]/.test(candidate) ? candidate.slice(candidate.indexOf(':') + 1) : candidate;
    if (looksLikePath(afterColon) && (afterColon.includes('/') || afterColon.includes('.'))) return afterColon;
  }
  return undefined;
}

/** "DELETE path" / "Delete file: path" on its own line. */
export function deletedPath(line: string): string | undefined {
  const m = /^\s*(?:DELETE|Delete file:?|DELETE FILE:?)\s+`?([^`\s]+)`?\s*$/.exec(line);
  return m && looksLikePath(m[1]) ? m[1] : undefined;
}
