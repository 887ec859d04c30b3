"""The officer page's plate check (static/screening/plate.js) against fangkong.lib.plate: the
same plates, typed as officers type them and generated at random, get the same error code
from both, so a plate the phone accepts offline is one the server accepts. Runs only where
Node.js is installed."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from fangkong.lib.plate import PROVINCES, PlateError, parse_plate

NODE = shutil.which("node")
PLATE_JS = Path(__file__).resolve().parents[2] / "fangkong/screening/static/screening/plate.js"

pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")

TYPED = [
    "甘G12345",
    "甘g·12345",
    "甘G 1234警",
    "甘GD12345",
    "甘gd·12345",
    "甘G12345D",
    "甘GI2345",
    "甘GO2345",
    "使224001",
    "使22400",
    "沪A1234领",
    "滬A1234領",
    "甘Ｇ１２３４５",
    "WJ甘12345",
    "AB12345",
    "民航12345",
    "X甘G1234",
    "甘1A2345",
    "甘G123",
    "甘G1234567",
    "甘GDI2345",
    "甘GA2345",
    "甘GZ12345",
    "",
    "   ",
    "甘-G_1234.5",
]
ALPHABET = PROVINCES[:6] + "使ABDFGHIOXZ0123456789警挂学·- "


def python_code(text: str) -> str:
    if not text.strip():
        return "plate_required"
    try:
        parse_plate(text)
    except PlateError as exc:
        return exc.code
    return ""


def js_codes(plates: list[str]) -> list[str]:
    script = (
        "const fs = require('fs'); const vm = require('vm'); const box = { self: {} };"
        f"vm.runInNewContext(fs.readFileSync({json.dumps(str(PLATE_JS))}, 'utf8'), box);"
        "const plates = JSON.parse(fs.readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(plates.map(box.self.FangkongPlate.problem)));"
    )
    done = subprocess.run(  # noqa: S603 - our own script, our own file
        [NODE, "-e", script], input=json.dumps(plates), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_typed_plates_get_the_same_code_on_the_phone_and_the_server() -> None:
    assert js_codes(TYPED) == [python_code(p) for p in TYPED]
    assert python_code("甘GD12345") == ""  # eight characters: new energy, and valid


def test_generated_plates_get_the_same_code_on_the_phone_and_the_server() -> None:
    rng = random.Random(24)  # noqa: S311 - test data
    plates = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 10))) for _ in range(600)]
    plates += [
        rng.choice(PROVINCES) + rng.choice("ABGZ") + rng.choice("DF") + rng.choice("A1I") + "1234"
        for _ in range(100)
    ]
    assert js_codes(plates) == [python_code(p) for p in plates]
    assert {python_code(p) for p in plates} >= {"", "plate_serial", "plate_length"}
