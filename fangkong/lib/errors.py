"""The base class for validation errors raised by the helpers in ``fangkong.lib``.

The library never produces user-facing text: it raises an error with a short snake_case
``code`` that the Django layer maps to a translated message. ``str(error)`` is plain English
and meant for logs and debugging only.
"""

from __future__ import annotations


class CodedError(ValueError):
    """A ``ValueError`` that carries a machine-readable ``code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"
