"""Personal and secret values taken out of URLs before they are logged.

Our own clients send plates, phone digits and tokens in request bodies; what still travels in a
URL is a capability: the citizen's pass page (``/r/pass/<token>/``), a company's pass status
page and PDF (``/passes/status/<token>/``) and the checkpoint's scan of a printed pass's QR code
(``/passes/scan/<token>/``). Those links must keep working from a phone's camera and a printed
QR code, so the token stays in the path; the access log gets ``[redacted]`` in its place. The
query parameters below are redacted too, for old clients and hand-typed URLs.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"
# The path segment after these prefixes is a capability token.
TOKEN_PATHS = ("/r/pass/", "/passes/status/", "/passes/scan/", "/keypersons/s/")
SECRET_PARAMS = (
    "token",
    "plate",
    "phone",
    "phone_tail",
    "code",
    "doc_number",
    "registration_token",
    "name",
    "q",
)

_PATH = re.compile(
    "(" + "|".join(re.escape(p) for p in TOKEN_PATHS) + r")[^/?#\s\"]+", re.IGNORECASE
)
_PARAM = re.compile(r"([?&;](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` (a URL, a request line, a referrer) with capability tokens in paths and the
    values of secret query parameters replaced by ``[redacted]``."""
    if not text:
        return text
    return _PARAM.sub(r"\1" + REDACTED, _PATH.sub(r"\1" + REDACTED, text))
