"""`python -m tensorcell ARGS` and the `tensorcell` command: run the kernel program with ARGS."""

import sys

from tensorcell import exec_binary


def main() -> None:
    exec_binary(sys.argv[1:])


if __name__ == "__main__":
    main()
