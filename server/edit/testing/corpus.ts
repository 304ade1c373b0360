// Loads the (before, after) fixture pairs: fixtures/cases/NAME.before.EXT.txt + NAME.after.EXT.txt.
import fs from 'node:fs';
import path from 'node:path';

export interface CorpusCase { name: string; ext: string; before: string; after: string }

export const CASES_DIR = path.join(__dirname, '..', 'fixtures', 'cases');

export function loadCorpus(dir = CASES_DIR): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const m = /^(.*)\.before(\.[^.]+)\.txt$/.exec(file);
    if (!m) continue;
    const afterFile = path.join(dir, `${m[1]}.after${m[2]}.txt`);
    if (!fs.existsSync(afterFile)) throw new Error(`${afterFile}: missing (every .before needs an .after)`);
    cases.push({ name: m[1], ext: m[2], before: fs.readFileSync(path.join(dir, file), 'utf8'), after: fs.readFileSync(afterFile, 'utf8') });
  }
  return cases;
}
