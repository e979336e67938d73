"""Write the generated reference of docs/FLOWS.md from the workflow definitions.

`python -m scripts.flow_docs` rewrites each `<!-- generated: <name> v<version> -->` section (and
appends one for a version that has none); `--check` only says whether the file is current (exit
1 when it is not). The rendering is `workflows.reference`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from workflows import registry
from workflows.reference import splice

FLOWS = Path(__file__).resolve().parents[1] / "docs" / "FLOWS.md"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.flow_docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not current")
    parser.add_argument("--file", type=Path, default=FLOWS)
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    current = splice(text, registry.default())
    if args.check:
        if current != text:
            print(f"{args.file}: out of date; run python -m scripts.flow_docs", file=sys.stderr)
            return 1
        return 0
    if current != text:
        args.file.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
