"""List matching in a real Chromium: an officer checks a listed person by hand on a phone and
the alert stays on screen with the reason only; the trace page draws its graph (ECharts, on a
canvas) beside the list of contacts, and a ticked contact becomes a key-person candidate."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.browser.conftest import (  # noqa: F401 - the browser tests' server and browser
    Server,
    _sessions,
    browser,
    page_as,
    server,
)
from tests.browser.gunicorn import ROOT, server_env
from tests.intel.browser_seed import LISTED
from tests.screening.test_browser import on_phone

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded(server: Server) -> tuple[Server, int]:  # noqa: F811
    command = "import tests.intel.browser_seed as s; s.run()"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", command],
        cwd=ROOT,
        env=server_env(server.data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    return server, int(done.stdout.split()[-1])


def test_a_listed_person_checked_by_hand_raises_an_alert_on_the_phone(
    seeded: tuple[Server, int],
) -> None:
    on_phone(seeded[0], _check_a_listed_person)


def _check_a_listed_person(page: Any) -> None:
    assert page.locator("#alerts").is_hidden()
    page.click("#manual-button")
    page.fill("input[data-field=name]", "孙名单")
    page.fill("input[data-field=doc_number]", LISTED)
    page.fill("input[data-field=temperature]", "36.5")
    page.click("button[data-action=confirm]")
    page.wait_for_selector("#alerts", state="visible")
    text = page.locator("#alert-list").inner_text()
    assert "密切接触者" in text and "就地留置" in text
    assert "浏览器测试密接名单" not in text and LISTED[-4:] not in text
    assert page.locator("#alert-list li").count() == 1
    page.click("#alerts-seen")
    assert page.locator("#alerts").is_hidden()


def test_the_trace_page_draws_the_graph_and_lists_the_contacts(
    seeded: tuple[Server, int],
    page_as: Any,  # noqa: F811
) -> None:
    page = page_as("brigade")
    page.goto(f"/intel/traces/{seeded[1]}/")
    page.wait_for_selector("#trace-graph canvas")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "同一卡点同一时段" in rows.first.inner_text()
    box = page.locator("#trace-graph canvas").bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert page.evaluate(GRAPH_LABELS) is True  # two people: numbers beside them


GRAPH_LABELS = """() => echarts.getInstanceByDom(document.getElementById("trace-graph"))
    .getOption().series[0].label.show"""


def test_a_crowded_graph_hides_its_labels_until_pointed_at(
    seeded: tuple[Server, int],
    page_as: Any,  # noqa: F811
) -> None:
    """Forty contacts' numbers and reasons at once are a blur: they show for the person
    under the pointer (and their links) instead."""
    people = [{"id": "case", "name": "病例", "category": 0}] + [
        {"id": f"p{n}", "name": f"620702********{n:04d}", "category": 1} for n in range(40)
    ]
    links = [{"source": "case", "target": f"p{n}", "label": "同一卡点同一时段", "at": "12-07 08:00"}
             for n in range(40)]  # fmt: skip
    graph = {"categories": [{"name": "病例"}, {"name": "密接"}, {"name": "次密接"}],
             "nodes": people, "links": links}  # fmt: skip
    page = page_as("brigade")
    page.route("**/graph.json", lambda route: route.fulfill(json=graph))
    page.goto(f"/intel/traces/{seeded[1]}/")
    page.wait_for_selector("#trace-graph canvas")
    page.wait_for_function("() => echarts.getInstanceByDom(document.getElementById('trace-graph'))")
    assert page.evaluate(GRAPH_LABELS) is False
    emphasis = "() => echarts.getInstanceByDom(document.getElementById('trace-graph'))"
    emphasis += ".getOption().series[0].emphasis"
    assert page.evaluate(emphasis)["label"]["show"] is True


def test_a_ticked_contact_becomes_a_candidate_from_the_trace_page(
    seeded: tuple[Server, int],
    page_as: Any,  # noqa: F811
) -> None:
    page = page_as("brigade")
    page.goto(f"/intel/traces/{seeded[1]}/")
    page.check("#trace-propose input[name=contact]")
    page.click("#trace-propose button[type=submit]")
    page.wait_for_selector(".messages li")
    assert "1 名接触者已列为重点人员线索" in page.locator(".messages").inner_text()
    row = page.locator("#trace-propose tbody tr").first
    assert row.locator("td.candidate").inner_text() == "待审核"
    assert row.locator("input[name=contact]").count() == 0
