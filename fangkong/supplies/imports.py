"""The spreadsheets supplies are imported from (an opening stock count, a supplier's
delivery note): their fields for ``fangkong.lib.tabular``, how a row names an item, and the
translated text of every problem the report can hold."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from fangkong.core import imports
from fangkong.lib import tabular
from fangkong.lib.tabular.columns import label_key
from fangkong.supplies.choices import MeasureUnit
from fangkong.supplies.models import ImportJob, Item

ITEM = tabular.Field(
    "item",
    ("物资名称", "品名", "名称", "物资", "货品名称", "商品名称", "item", "item name", "name"),
    required=True,
)
CODE = tabular.Field("code", ("物资编码", "编码", "货号", "item code", "code"))
MEASURE = tabular.Field("measure", ("计量单位", "单位", "unit of measure", "unit", "uom"))
BATCH = tabular.Field("batch", ("批号", "生产批号", "批次", "batch number", "batch", "lot"))
EXPIRY = tabular.Field(
    "expiry",
    ("有效期至", "失效日期", "有效期", "有效日期", "expiry date", "expiry", "expires"),
    tabular.parse_date,
)
COUNTED = tabular.Field(
    "quantity",
    ("实盘数量", "盘点数量", "库存数量", "结存数量", "数量", "counted", "quantity", "qty"),
    tabular.parse_integer,
    required=True,
)
DELIVERED = tabular.Field(
    "quantity",
    ("入库数量", "实收数量", "到货数量", "数量", "received", "quantity", "qty"),
    tabular.parse_positive_integer,
    required=True,
)
FIELDS: dict[str, tuple[tabular.Field, ...]] = {
    ImportJob.Kind.OPENING_COUNT: (ITEM, CODE, COUNTED, MEASURE, BATCH, EXPIRY),
    ImportJob.Kind.DELIVERY: (ITEM, CODE, DELIVERED, MEASURE, BATCH, EXPIRY),
}
FIELD_LABELS = {
    "item": _("Item"),
    "code": _("Item code"),
    "quantity": _("Quantity"),
    "measure": _("Unit of measure"),
    "batch": _("Batch number"),
    "expiry": _("Expiry date"),
    "": _("Row"),
}
# How spreadsheets write each unit of measure.
MEASURE_WORDS = {
    MeasureUnit.PIECE: ("只", "个", "支", "片", "枚", "piece", "pcs", "pc"),
    MeasureUnit.PAIR: ("副", "双", "pair", "pairs"),
    MeasureUnit.SET: ("套", "件", "set", "sets"),
    MeasureUnit.BOTTLE: ("瓶", "bottle", "bottles"),
    MeasureUnit.BARREL: ("桶", "barrel", "barrels"),
    MeasureUnit.BOX: ("箱", "box", "boxes", "case"),
    MeasureUnit.BAG: ("袋", "包", "bag", "bags"),
    MeasureUnit.PORTION: ("份", "盒饭", "portion", "portions"),
    MeasureUnit.KILOGRAM: ("千克", "公斤", "kg"),
    MeasureUnit.LITRE: ("升", "l", "litre", "liter"),
}
MEASURE_OF_WORD = {label_key(w): code for code, words in MEASURE_WORDS.items() for w in words}

# The messages of our own problem codes; reading the file and the lib's validators have theirs
# in core (``core.imports.problem_message``).
PROBLEM_MESSAGES: dict[str, Any] = {
    "positive_required": _("The quantity must be above zero."),
    "item_unknown": _("No item in the catalogue has this name or code."),
    "measure_mismatch": _("The item is counted in another unit of measure."),
    "row_duplicate": _("The same item and batch as an earlier row."),
    "count_negative": _("A count cannot be below zero."),
    "batch_expiry_conflict": _("This batch is already recorded with another expiry date."),
    "not_enough_stock": _("The store does not hold that much."),
    # What the stock services refuse once every row is right; the service's own message,
    # which names the item and store, stands in the report's cell.
    "forbidden": _("You may not manage the stock of this unit."),
    "lines_empty": _("Add at least one item."),
}


def problem_message(code: str) -> str:
    return imports.problem_message(code, PROBLEM_MESSAGES)


def describe(problem: tabular.Problem) -> list[Any]:
    """A problem as a report's row: where, which field, why, the cell."""
    return imports.problem_row(problem, labels=FIELD_LABELS, message=problem_message)


def job_problems(job: ImportJob) -> list[tabular.Problem]:
    return [tabular.Problem(**p) for p in job.problems]


class ItemIndex:
    """Finds the item a row names: by code first, then by name or another name, compared as
    header labels are (no spaces, punctuation or case)."""

    def __init__(self, items: Iterable[Item]) -> None:
        self.by_code: dict[str, Item] = {}
        self.by_name: dict[str, Item] = {}
        for item in items:
            self.by_code[label_key(item.code)] = item
            for name in (item.name, *item.alias_list()):
                self.by_name.setdefault(label_key(name), item)

    def find(self, name: str | None, code: str | None) -> Item | None:
        if code and label_key(code) in self.by_code:
            return self.by_code[label_key(code)]
        return self.by_name.get(label_key(name or ""))


def measure_matches(item: Item, word: str | None) -> bool:
    if not word:
        return True
    key = label_key(word)
    return MEASURE_OF_WORD.get(key) == item.measure or key == label_key(item.measure)
