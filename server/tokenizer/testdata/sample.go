// Command wc counts lines, words and bytes of its inputs.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"unicode"
)

type counts struct{ lines, words, bytes int64 }

func count(r io.Reader) (counts, error) {
	var c counts
	in := bufio.NewReader(r)
	inWord := false
	for {
		ch, size, err := in.ReadRune()
		if err == io.EOF {
			return c, nil
		} else if err != nil {
			return c, fmt.Errorf("read: %w", err)
		}
		c.bytes += int64(size)
		if ch == '\n' {
			c.lines++
		}
		if unicode.IsSpace(ch) {
			inWord = false
		} else if !inWord {
			inWord = true
			c.words++
		}
	}
}

func main() {
	total := counts{}
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		c, err := count(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			os.Exit(1)
		}
		fmt.Printf("%8d %8d %8d %s\n", c.lines, c.words, c.bytes, name)
		total.lines, total.words, total.bytes = total.lines+c.lines, total.words+c.words, total.bytes+c.bytes
	}
	fmt.Printf("%8d %8d %8d total\n", total.lines, total.words, total.bytes)
}
