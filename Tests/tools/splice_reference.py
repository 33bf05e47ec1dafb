"""Replaces the generated builtin reference between the markers in docs/language.md."""

import subprocess
import sys

START = "<!-- reference:start -->\n"
END = "<!-- reference:end -->"


def main() -> None:
    path, binary = sys.argv[1], sys.argv[2]
    reference = subprocess.run([binary, "reference"], check=True, capture_output=True, text=True).stdout
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(before + START + reference + END + after)


if __name__ == "__main__":
    main()
