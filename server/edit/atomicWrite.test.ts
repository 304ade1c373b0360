// Atomic writes: all files or none, no temp files left behind, modes kept, root enforced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFilesAtomically } from './atomicWrite';

test('writes, creates folders, deletes, keeps the file mode, leaves no temp files', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edit-write-'));
  fs.writeFileSync(path.join(root, 'a.sh'), 'old\n', { mode: 0o755 });
  fs.writeFileSync(path.join(root, 'gone.txt'), 'x\n');
  writeFilesAtomically(root, [
    { path: path.join(root, 'a.sh'), newText: 'new\n' },
    { path: path.join(root, 'sub/dir/b.txt'), newText: 'b\n' },
    { path: path.join(root, 'gone.txt'), newText: null },
  ]);
  assert.equal(fs.readFileSync(path.join(root, 'a.sh'), 'utf8'), 'new\n');
  assert.equal(fs.statSync(path.join(root, 'a.sh')).mode & 0o777, 0o755);
  assert.equal(fs.readFileSync(path.join(root, 'sub/dir/b.txt'), 'utf8'), 'b\n');
  assert.equal(fs.existsSync(path.join(root, 'gone.txt')), false);
  assert.deepEqual(fs.readdirSync(root).filter((f) => f.endsWith('.tmp')), []);
  fs.rmSync(root, { recursive: true });
});

test('a failing write leaves every file untouched and removes the temp files', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edit-write-'));
  fs.writeFileSync(path.join(root, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(root, 'blocker'), 'I am a file, not a folder\n');
  assert.throws(() => writeFilesAtomically(root, [
    { path: path.join(root, 'a.txt'), newText: 'A\n' },
    { path: path.join(root, 'blocker/b.txt'), newText: 'b\n' },
  ]));
  assert.equal(fs.readFileSync(path.join(root, 'a.txt'), 'utf8'), 'a\n');
  assert.deepEqual(fs.readdirSync(root).sort(), ['a.txt', 'blocker']);
  fs.rmSync(root, { recursive: true });
});

test('paths outside the root are refused before anything is written', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edit-write-'));
  assert.throws(() => writeFilesAtomically(root, [{ path: path.join(root, 'ok.txt'), newText: 'x' }, { path: path.join(root, '../evil.txt'), newText: 'x' }]), /outside/);
  assert.equal(fs.existsSync(path.join(root, 'ok.txt')), false);
  fs.rmSync(root, { recursive: true });
});

test('a symlink inside the root is written through, not replaced', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'edit-write-'));
  fs.writeFileSync(path.join(root, 'real.txt'), 'old\n');
  fs.symlinkSync('real.txt', path.join(root, 'link.txt'));
  writeFilesAtomically(root, [{ path: path.join(root, 'link.txt'), newText: 'new\n' }]);
  assert.ok(fs.lstatSync(path.join(root, 'link.txt')).isSymbolicLink());
  assert.equal(fs.readFileSync(path.join(root, 'real.txt'), 'utf8'), 'new\n');
  fs.rmSync(root, { recursive: true });
});
