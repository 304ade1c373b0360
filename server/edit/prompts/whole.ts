// Prompt text that makes DeepSeek models answer with the complete new file.
import { F } from './fence';

export const wholeInstructions = `Answer with the complete new content of the file:
- Write the file path alone on a line, then the whole file in one code fence.
- Include every line of the file, changed or not, with the original indentation.
  Never abbreviate with "..." or "// ... existing code ...".
- Write nothing after the closing fence.`;

export const wholeExample = `Example. Task: "count from one" in util/counter.go.

util/counter.go
${F}go
package util

// Counter counts upwards from one.
type Counter struct{ n int }

func (c *Counter) Next() int {
	c.n++
	return c.n
}
${F}`;
