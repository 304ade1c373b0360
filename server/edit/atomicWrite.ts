// Writes a set of files so that each is either fully old or fully new: temp file in the same folder, then rename.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assertInsideRoot } from './paths';

/** newText null deletes the file. All temp files are written before any rename, so a failed write changes nothing. */
export function writeFilesAtomically(root: string, files: Array<{ path: string; newText: string | null }>): void {
  for (const f of files) assertInsideRoot(root, path.resolve(root, f.path));
  const staged: Array<{ temp: string; target: string }> = [];
  try {
    for (const f of files) {
      if (f.newText === null) continue;
      // Write through a symlink (to its real file, inside root as checked) instead of replacing the link.
      const named = path.resolve(root, f.path);
      const target = fs.existsSync(named) ? fs.realpathSync(named) : named;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
      const mode = fs.existsSync(target) ? fs.statSync(target).mode & 0o7777 : undefined;
      const fd = fs.openSync(temp, 'wx', mode ?? 0o666);
      staged.push({ temp, target });
      try {
        fs.writeFileSync(fd, f.newText, 'utf8');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      if (mode !== undefined) fs.chmodSync(temp, mode); // umask must not narrow an existing file's mode
    }
  } catch (e) {
    for (const s of staged) fs.rmSync(s.temp, { force: true });
    throw e;
  }
  for (const s of staged) fs.renameSync(s.temp, s.target);
  for (const f of files) if (f.newText === null) fs.rmSync(path.resolve(root, f.path), { force: true });
}
