"""A row of an import's problem report."""

from __future__ import annotations

from fangkong.core.imports import problem_row
from fangkong.lib import tabular


def _message(code: str) -> str:
    return {"forbidden": "您无权管理该单位的物资。", "item_unknown": "物资目录中没有该名称。"}[code]


def test_a_refusal_said_in_full_is_not_said_again_as_the_cell() -> None:
    refused = tabular.Problem(0, "", "forbidden", "您无权管理该单位的物资。")
    assert problem_row(refused, labels={}, message=_message)[2:] == ["您无权管理该单位的物资。", ""]


def test_a_detail_or_a_rows_cell_stays() -> None:
    detail = tabular.Problem(0, "", "forbidden", "甘州大队物资库：无权管理")
    assert problem_row(detail, labels={}, message=_message)[3] == "甘州大队物资库：无权管理"
    row = tabular.Problem(3, "item", "item_unknown", "物资目录中没有该名称。")
    assert problem_row(row, labels={"item": "物资"}, message=_message) == [
        3,
        "物资",
        "物资目录中没有该名称。",
        "物资目录中没有该名称。",
    ]
