"""Refresh plans/compiled.json after editing a built-in plan:

    python -m tcmcheck.compile_plans [plans/]
"""

from __future__ import annotations

import sys
from pathlib import Path

from tcmcheck.errors import TcmcheckError
from tcmcheck.spec import COMPILED, compile_specs


def main(argv: list[str]) -> int:
    directory = Path(argv[0] if argv else "plans")
    if not any(directory.glob("*.yaml")):
        print(f"{directory}: no plan YAML files here", file=sys.stderr)
        return 2
    try:
        text = compile_specs(directory)
    except TcmcheckError as exc:
        print(exc, file=sys.stderr)
        return 2
    target = directory / COMPILED
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
