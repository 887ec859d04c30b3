#!/usr/bin/env python3
"""Copy the front-end libraries pinned in package.json into fangkong/static/vendor/.

Police networks are closed, so pages never load a script from a CDN: the files a browser
needs are committed under ``fangkong/static/vendor/<npm package>/`` and Django serves them
like any other static file. This script is the only way they get there::

    npm ci --ignore-scripts          # installs exactly what package-lock.json pins
    python3 scripts/vendor_static.py # copies the needed dist files, writes VERSIONS.json

``--check`` compares the committed files with what the script would write and exits 1 on
any difference, so CI can tell when someone edited a vendored file by hand or bumped a
version in package.json without re-vendoring.

Only minified builds, the images and CSS they reference, and each package's licence text are
copied: no source maps, no unminified duplicates. The trailing ``sourceMappingURL`` comment
is stripped from every file, because the .map files are not shipped and Django's
ManifestStaticFilesStorage refuses to run collectstatic when a referenced map is missing.

Standard library only, so it runs before the project's virtualenv exists.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR_DIR = ROOT / "fangkong" / "static" / "vendor"


@dataclass(frozen=True)
class VendoredFile:
    source: str  # path inside node_modules/<package>/
    target: str  # path inside fangkong/static/vendor/<package>/


def _same_name(*paths: str) -> list[VendoredFile]:
    return [VendoredFile(path, Path(path).name) for path in paths]


# Exactly what the pages load, per npm package. Keys must match package.json's dependencies.
MANIFEST: dict[str, list[VendoredFile]] = {
    "leaflet": [
        *_same_name("dist/leaflet.js", "dist/leaflet.css", "LICENSE"),
        # leaflet.css refers to these as url(images/...), and L.Icon.Default finds the marker
        # icons relative to the stylesheet, so they keep their images/ folder.
        *[
            VendoredFile(f"dist/images/{name}", f"images/{name}")
            for name in (
                "layers.png",
                "layers-2x.png",
                "marker-icon.png",
                "marker-icon-2x.png",
                "marker-shadow.png",
            )
        ],
    ],
    "leaflet.markercluster": [
        *_same_name(
            "dist/leaflet.markercluster.js",
            "dist/MarkerCluster.css",
            "dist/MarkerCluster.Default.css",
        ),
        VendoredFile("MIT-LICENCE.txt", "LICENSE"),
    ],
    "htmx.org": _same_name("dist/htmx.min.js", "LICENSE"),
    "echarts": [
        *_same_name("dist/echarts.min.js", "LICENSE", "NOTICE"),
        # The minified build bundles d3 fragments, zrender and tslib; their licences travel
        # with it (Apache-2.0 section 4 asks for the NOTICE too).
        VendoredFile("licenses/LICENSE-d3", "LICENSE-d3"),
        VendoredFile("../zrender/LICENSE", "LICENSE-zrender"),
        VendoredFile("../tslib/LICENSE.txt", "LICENSE-tslib"),
    ],
    "qr-scanner": [
        # The UMD build works from a plain <script> tag; it loads the worker with a dynamic
        # import("./qr-scanner-worker.min.js") relative to its own URL, so both sit together.
        *_same_name("qr-scanner.umd.min.js", "qr-scanner-worker.min.js", "LICENSE"),
    ],
}

_SOURCE_MAP_COMMENT = re.compile(
    rb"(?://[#@] sourceMappingURL=[^\s]*|/\*[#@] sourceMappingURL=[^*]*\*/)\s*\Z"
)
_TEXT_SUFFIXES = {".js", ".css"}


class VendorError(Exception):
    pass


def pinned_versions() -> dict[str, str]:
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    pins: dict[str, str] = manifest.get("dependencies", {})
    if set(pins) != set(MANIFEST):
        raise VendorError(
            f"package.json dependencies {sorted(pins)} differ from the vendoring manifest "
            f"{sorted(MANIFEST)}: update MANIFEST in {Path(__file__).name}."
        )
    return pins


def installed_version(package: str, pinned: str) -> str:
    package_json = NODE_MODULES / package / "package.json"
    if not package_json.exists():
        raise VendorError(f"{package} is not in node_modules/: run `npm ci --ignore-scripts`.")
    version: str = json.loads(package_json.read_text(encoding="utf-8"))["version"]
    # An exact pin keeps the vendored copy reproducible; a range would let two machines
    # vendor different files from the same package.json.
    if version != pinned:
        raise VendorError(
            f"node_modules/{package} is {version} but package.json pins {pinned!r} "
            "(exact versions only): run `npm ci --ignore-scripts`."
        )
    return version


def file_contents(source: Path) -> bytes:
    data = source.read_bytes()
    if source.suffix in _TEXT_SUFFIXES:
        data = _SOURCE_MAP_COMMENT.sub(b"", data.rstrip()).rstrip() + b"\n"
    return data


def planned_files() -> dict[Path, bytes]:
    """Return every file under VENDOR_DIR that should exist, with its contents."""
    pins = pinned_versions()
    planned: dict[Path, bytes] = {}
    versions: dict[str, str] = {}
    for package, files in MANIFEST.items():
        versions[package] = installed_version(package, pins[package])
        package_dir = NODE_MODULES / package
        for vendored in files:
            source = (package_dir / vendored.source).resolve()
            if not source.is_file():
                raise VendorError(f"{package}: {vendored.source} is missing from the package.")
            planned[VENDOR_DIR / package / vendored.target] = file_contents(source)
    versions_json = json.dumps(dict(sorted(versions.items())), indent=2) + "\n"
    planned[VENDOR_DIR / "VERSIONS.json"] = versions_json.encode()
    return planned


def existing_files() -> set[Path]:
    if not VENDOR_DIR.exists():
        return set()
    return {path for path in VENDOR_DIR.rglob("*") if path.is_file()}


def write(planned: dict[Path, bytes]) -> None:
    # Start from an empty folder so that a file dropped from the manifest, or a package
    # removed from package.json, does not linger in the repository.
    if VENDOR_DIR.exists():
        shutil.rmtree(VENDOR_DIR)
    for path, data in sorted(planned.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def differences(planned: dict[Path, bytes]) -> list[str]:
    problems = []
    for path in sorted(existing_files() - set(planned)):
        problems.append(f"unexpected {path.relative_to(ROOT)}")
    for path, data in sorted(planned.items()):
        if not path.exists():
            problems.append(f"missing {path.relative_to(ROOT)}")
        elif path.read_bytes() != data:
            problems.append(f"differs {path.relative_to(ROOT)}")
    return problems


def report(planned: dict[Path, bytes]) -> None:
    total = 0
    for path, data in sorted(planned.items()):
        total += len(data)
        print(f"{len(data):>10,}  static/{path.relative_to(VENDOR_DIR.parent)}")
    print(f"{total:>10,}  bytes in {len(planned)} files")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the committed vendor files differ from node_modules/",
    )
    args = parser.parse_args(argv)
    try:
        planned = planned_files()
    except VendorError as error:
        print(f"vendor_static: {error}", file=sys.stderr)
        return 2
    if args.check:
        problems = differences(planned)
        for problem in problems:
            print(f"vendor_static: {problem}", file=sys.stderr)
        return 1 if problems else 0
    write(planned)
    report(planned)
    return 0


if __name__ == "__main__":
    sys.exit(main())
