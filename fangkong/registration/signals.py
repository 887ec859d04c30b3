"""Signals of the registration app.

The registration hot path inserts with raw SQL (``inserts.py``), which sends no ``post_save``;
apps that count registrations (the command centre's rollups) listen here instead. The signal
is sent inside the transaction that saves the registrations, so a receiver's writes commit or
roll back with them.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender: the Registration model; registrations: the saved rows (primary keys set).
registrations_created = Signal()
