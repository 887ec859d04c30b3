"""gunicorn's access log without tokens, plates or phone digits: ``--logger-class
fangkong.core.accesslog.RedactingLogger`` (``make demo``, docs/deploy.md).

Defence in depth: our clients already keep such values out of URLs (``fangkong/lib/redact.py``
says which remain, and why); this logger redacts every atom of the log line that holds a URL,
whatever ``--access-logformat`` picks.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from fangkong.lib.redact import redact

# The atoms of gunicorn's access log format that carry a URL or part of one, and those that
# carry a bare query string (no "?" before its first parameter).
URL_ATOMS = (
    "r",
    "U",
    "f",
    "{referer}i",
    "{raw_uri}e",
    "{path_info}e",
    "{http_referer}e",
    "{request_uri}e",
)
QUERY_ATOMS = ("q", "{query_string}e")


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in URL_ATOMS:
            value = atoms.get(name)
            if isinstance(value, str):
                atoms[name] = redact(value)
        for name in QUERY_ATOMS:
            value = atoms.get(name)
            if isinstance(value, str) and value:
                atoms[name] = redact("?" + value)[1:]
        return atoms
