// Resolves the paths an answer names and refuses any that leave the workspace root.
import fs from 'node:fs';
import path from 'node:path';

/** Real path of `p`, or of its nearest existing ancestor joined with the rest (for files not created yet). */
function realpathOfNearest(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Throws unless `p` (absolute) stays inside `root` both as written and after resolving symlinks. */
export function assertInsideRoot(root: string, p: string): void {
  const absRoot = path.resolve(root);
  const abs = path.resolve(absRoot, p);
  if (!inside(absRoot, abs) || abs === absRoot) throw new Error(`${p}: path is outside the workspace root ${absRoot}`);
  if (!inside(realpathOfNearest(absRoot), realpathOfNearest(abs))) {
    throw new Error(`${p}: path resolves (through a symbolic link) outside the workspace root ${absRoot}`);
  }
}

/**
 * The absolute path an answer's path means: relative to root, or the one given file that ends with it
 * (models often drop leading folders). Refuses paths outside root.
 */
export function resolveAnswerPath(named: string, root: string, known: string[]): string {
  const cleaned = named.replace(/\\/g, '/');
  const abs = path.resolve(root, cleaned);
  assertInsideRoot(root, abs);
  if (known.includes(abs) || fs.existsSync(abs)) return abs;
  const suffix = '/' + cleaned.replace(/^\.\//, '');
  const matches = known.filter((k) => k.replace(/\\/g, '/').endsWith(suffix));
  return matches.length === 1 ? matches[0] : abs;
}
