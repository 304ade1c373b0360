"""Word frequency report for a folder of text files."""
from __future__ import annotations

import argparse
import collections
import pathlib
import re
import sys
from dataclasses import dataclass, field

WORD = re.compile(r"[\w']+", re.UNICODE)


@dataclass
class Report:
    files: int = 0
    words: collections.Counter[str] = field(default_factory=collections.Counter)

    def add(self, text: str) -> None:
        self.files += 1
        self.words.update(w.lower() for w in WORD.findall(text))

    def top(self, n: int = 10) -> list[tuple[str, int]]:
        return self.words.most_common(n)


def scan(root: pathlib.Path, pattern: str = "*.txt") -> Report:
    report = Report()
    for path in sorted(root.rglob(pattern)):
        try:
            report.add(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as err:
            print(f"skipping {path}: {err}", file=sys.stderr)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=pathlib.Path)
    parser.add_argument("-n", "--top", type=int, default=10)
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"{args.root} is not a directory")
    report = scan(args.root)
    width = max((len(w) for w, _ in report.top(args.top)), default=4)
    print(f"{report.files} files, {sum(report.words.values()):,} words")
    for word, count in report.top(args.top):
        print(f"  {word:<{width}}  {count:>8}  {'#' * min(count, 40)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
