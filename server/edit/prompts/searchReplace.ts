// Prompt text that makes DeepSeek models answer with SEARCH/REPLACE blocks.
import { F } from './fence';

export const searchReplaceInstructions = `Answer with SEARCH/REPLACE blocks only. For every change:
1. Write the file path alone on a line.
2. Open a code fence, then write:
<<<<<<< SEARCH
(lines copied exactly from the current file, with the same indentation, enough to be unique)
=======
(the lines that replace them)
>>>>>>> REPLACE
3. Close the code fence.
Rules:
- The SEARCH part must match the file character for character. Copy whole lines; never write "..." or
  "// ... existing code ..." in place of lines.
- Keep blocks small: quote only the lines you change plus one or two unchanged lines around them.
- Use several blocks for changes far apart, in the order they appear in the file.
- To create a file, use an empty SEARCH part. To delete a file, write "DELETE path/to/file" on its own line.
- Do not repeat the whole file. Do not explain the code outside the blocks unless asked.`;

export const searchReplaceExample = `Example. Task: "make greet say goodbye and add a farewell constant" in src/greet.ts.

src/greet.ts
${F}ts
<<<<<<< SEARCH
export function greet(name: string): string {
  return \`Hello, \${name}!\`;
}
=======
export const FAREWELL = 'Goodbye';

export function greet(name: string): string {
  return \`\${FAREWELL}, \${name}!\`;
}
>>>>>>> REPLACE
${F}`;
