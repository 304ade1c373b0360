// `deepseek-local apply` end to end, as a user runs it: answer on stdin, files as arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(__dirname, '../..');
const cli = path.join(repo, 'server/cli.ts');

/** Runs from the repository (so `--import tsx` resolves); files live in a temp folder passed as --root. */
function apply(args: string[], answer: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'apply', ...args], { cwd: repo, input: answer, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'edit-cli-'));

test('prints the result as JSON (deleted file: null) without touching files; --write then writes them all', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nfunc main() {\n\tprintln("hi")\n}\n');
  fs.writeFileSync(path.join(dir, 'old.txt'), 'bye\n');
  const answer = [
    '--- a/main.go', '+++ b/main.go', '@@ -3,3 +3,3 @@', ' func main() {', '-\tprintln("hi")', '+\tprintln("hello")', ' }',
    '--- /dev/null', '+++ b/docs/notes.md', '@@ -0,0 +1 @@', '+# Notes',
    '--- a/old.txt', '+++ /dev/null', '@@ -1 +0,0 @@', '-bye', '',
  ].join('\n');
  const files = ['--root', dir, path.join(dir, 'main.go'), path.join(dir, 'old.txt')];
  const dry = apply(['--format', 'udiff', ...files], answer);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout), { 'main.go': 'package main\n\nfunc main() {\n\tprintln("hello")\n}\n', 'docs/notes.md': '# Notes\n', 'old.txt': null });
  assert.equal(fs.readFileSync(path.join(dir, 'main.go'), 'utf8'), 'package main\n\nfunc main() {\n\tprintln("hi")\n}\n');
  const r = apply(['--format', 'udiff', '--write', ...files], answer);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'main.go'), 'utf8'), 'package main\n\nfunc main() {\n\tprintln("hello")\n}\n');
  assert.equal(fs.readFileSync(path.join(dir, 'docs/notes.md'), 'utf8'), '# Notes\n');
  assert.equal(fs.existsSync(path.join(dir, 'old.txt')), false);
  fs.rmSync(dir, { recursive: true });
});

test('a block that cannot be placed: exit 1, message names the block and the closest text, nothing written', () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'a.txt'), 'alpha\nbeta\n');
  const answer = '<<<<<<< SEARCH\nalpha\n=======\nALPHA\n>>>>>>> REPLACE\n<<<<<<< SEARCH\nomega\npsi\n=======\nx\n>>>>>>> REPLACE\n';
  const r = apply(['--write', '--root', dir, path.join(dir, 'a.txt')], answer);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /block 2/);
  assert.match(r.stderr, /closest text in the file/);
  assert.equal(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8'), 'alpha\nbeta\n');
  fs.rmSync(dir, { recursive: true });
});

test('usage errors exit 2 with a clear message', () => {
  const dir = tmp();
  const bad = apply(['--format', 'xml', '--root', dir, path.join(dir, 'a.txt')], 'x');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown format "xml"/);
  fs.rmSync(dir, { recursive: true });
});
