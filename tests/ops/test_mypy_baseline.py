"""The mypy baseline of `make checks` only shrinks, and holds the strict areas at zero."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mypy_baseline.py"
_spec = importlib.util.spec_from_file_location("mypy_baseline", SCRIPT)
assert _spec is not None and _spec.loader is not None
baseline = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(baseline)

OUTPUT = """\
fangkong/roster/views.py:12: error: Incompatible types  [assignment]
fangkong/roster/views.py:12: note: a note is not an error
fangkong/roster/views.py:40: error: Missing return  [return]
fangkong/core/audit.py:3: error: Item "None" has no attribute "pk"  [union-attr]
Found 3 errors in 2 files (checked 2 source files)
"""


def test_errors_are_counted_per_file() -> None:
    assert baseline.error_counts(OUTPUT) == {
        "fangkong/roster/views.py": 2,
        "fangkong/core/audit.py": 1,
    }


def test_a_strict_area_allows_none_and_other_files_their_baseline() -> None:
    now = Counter({"fangkong/roster/views.py": 2, "fangkong/core/audit.py": 1})

    strict, grown, shrunk = baseline.compare(now, {"fangkong/roster/views.py": 2})

    assert strict == ["fangkong/core/audit.py: 1 error(s) where none are allowed"]
    assert grown == [] and shrunk == []


def test_more_errors_than_the_baseline_fail_and_fewer_are_progress() -> None:
    now = Counter({"fangkong/roster/views.py": 3, "fangkong/sites/views.py": 1})
    recorded = {"fangkong/roster/views.py": 2, "fangkong/org/views.py": 4}

    strict, grown, shrunk = baseline.compare(now, recorded)

    assert strict == []
    assert grown == [
        "fangkong/roster/views.py: 3 error(s), baseline 2",
        "fangkong/sites/views.py: 1 error(s), baseline 0",
    ]
    assert shrunk == ["fangkong/org/views.py: 0 error(s), baseline 4"]
