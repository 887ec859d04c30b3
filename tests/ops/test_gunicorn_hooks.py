"""A recycled gunicorn worker leaves at once (fangkong/core/gunicorn_hooks.py)."""

from __future__ import annotations

import os
import sys

from fangkong.core import gunicorn_hooks


def _child_status(code: int) -> int:
    """Exit a forked child with ``code`` the way gunicorn's worker does, hook in ``finally``;
    the child's status, or 10 + code when the hook let Python's exit go on."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            try:
                sys.exit(code)
            finally:
                gunicorn_hooks.worker_exit(None, None)
        except SystemExit as leaving:
            os._exit(10 + int(leaving.code or 0))
        os._exit(99)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_worker_leaving_normally_ends_in_the_hook_with_status_0() -> None:
    assert _child_status(0) == 0


def test_a_worker_leaving_on_an_error_keeps_python_s_exit_and_status() -> None:
    assert _child_status(3) == 13
