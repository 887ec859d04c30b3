"""Every write of the supplies app, validated, in a transaction, audited."""

from fangkong.supplies.services.donations import DonatedLine, donation_record, donation_set_publish
from fangkong.supplies.services.imports import import_map, import_run, import_upload
from fangkong.supplies.services.issues import (
    issue_cancel,
    issue_create,
    issue_sign,
    request_approve,
    request_create,
    request_forward,
    request_reject,
)
from fangkong.supplies.services.posts import disinfection_record, welfare_record
from fangkong.supplies.services.stock import (
    Line,
    post_location,
    stock_count,
    stock_receive,
    stock_transfer,
    stock_use,
    stock_write_off,
    store_create,
    stores_above,
)

__all__ = [
    "DonatedLine",
    "Line",
    "disinfection_record",
    "donation_record",
    "donation_set_publish",
    "import_map",
    "import_run",
    "import_upload",
    "issue_cancel",
    "issue_create",
    "issue_sign",
    "post_location",
    "request_approve",
    "request_create",
    "request_forward",
    "request_reject",
    "stock_count",
    "stock_receive",
    "stock_transfer",
    "stock_use",
    "stock_write_off",
    "store_create",
    "stores_above",
    "welfare_record",
]
