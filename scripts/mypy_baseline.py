"""Run mypy on fangkong/ and hold it to a baseline that only shrinks (`make checks`).

`mypy-baseline.json` holds the number of errors mypy reports in each file today. The check
fails when a file has more errors than its baseline (a file not listed has a baseline of 0),
and when a strict area has any error at all: the pure cores and the shared code are typed
in full, and stay so. When files have fewer errors than their baseline, it says so; record
the progress with `--update`, which refuses to write a baseline larger than the last.

    .venv/bin/python scripts/mypy_baseline.py            # the check
    .venv/bin/python scripts/mypy_baseline.py --update   # shrink the baseline after a fix
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.json"
# Areas with no error allowed: shared code and the pure cores (issue 25).
STRICT = (
    "fangkong/lib/",
    "fangkong/core/",
    "fangkong/screening/rules.py",
    "fangkong/roster/engine/",
)
_ERROR = re.compile(r"^(?P<path>[^:\s]+\.py):\d+: error:", re.MULTILINE)


def error_counts(output: str) -> Counter[str]:
    return Counter(match["path"] for match in _ERROR.finditer(output))


def run_mypy() -> Counter[str]:
    answer = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-m", "mypy", "fangkong"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode not in (0, 1) or "error: " in answer.stderr:
        sys.stderr.write(answer.stdout + answer.stderr)
        raise SystemExit("mypy did not run: see above")
    return error_counts(answer.stdout)


def compare(now: Counter[str], baseline: dict[str, int]) -> tuple[list[str], list[str], list[str]]:
    """Errors in strict areas, files above their baseline, and files below it."""
    strict = [
        f"{p}: {n} error(s) where none are allowed" for p, n in now.items() if p.startswith(STRICT)
    ]
    grown = [
        f"{path}: {count} error(s), baseline {baseline.get(path, 0)}"
        for path, count in sorted(now.items())
        if not path.startswith(STRICT) and count > baseline.get(path, 0)
    ]
    shrunk = [
        f"{path}: {now.get(path, 0)} error(s), baseline {count}"
        for path, count in sorted(baseline.items())
        if now.get(path, 0) < count
    ]
    return sorted(strict), grown, shrunk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the smaller baseline")
    args = parser.parse_args(argv)
    first = not BASELINE.exists()
    baseline: dict[str, int] = {} if first else json.loads(BASELINE.read_text())
    now = run_mypy()
    strict, grown, shrunk = compare(now, baseline)
    # The first baseline records what there is; after it, a baseline only shrinks.
    problems = strict + ([] if first and args.update else grown)
    for line in problems:
        print("mypy baseline: " + line)
    if args.update and not problems:
        BASELINE.write_text(json.dumps(dict(sorted(now.items())), indent=1) + "\n")
        print(f"mypy baseline: {sum(now.values())} errors in {len(now)} files recorded")
        return 0
    for line in shrunk:
        print("mypy baseline: fewer errors, run with --update: " + line)
    print(f"mypy: {sum(now.values())} errors (baseline {sum(baseline.values())})")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
