"""Importing a unit tree or a staff list from a spreadsheet (the first set-up, and later
updates from the bureau's lists).

Upload (the file is read once to find its sheet, header and a guess at the columns, then
kept encrypted in the storage until the import has run), start (a person confirms or corrects
the columns; a background job runs), run (every row is checked, then all are imported in one
transaction, or none when any row has a problem, keeping the report). Importing the same
file again changes nothing: units are matched by their code (or by name under the same
parent), staff by badge number.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from fangkong.core import imports
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.imports import Upload
from fangkong.core.jurisdiction import jurisdiction_root, sees_everything
from fangkong.lib import tabular
from fangkong.lib.tabular.columns import label_key
from fangkong.org.imports import FIELDS, STAFF, UNITS, problem_message, unit_kind_from_name
from fangkong.org.models import Staff, Unit
from fangkong.org.permissions import can_administer, can_administer_any

JOB_KIND = "org.import"
# Problems kept in the job's result (and its report); a file with more has bigger troubles.
PROBLEMS_KEPT = 2000
_CONTEXT = b"org.import"


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[tabular.Problem] = field(default_factory=list)

    def as_result(self, kind: str) -> dict[str, Any]:
        return {
            "kind": kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "problems_total": len(self.problems),
            "problems": [asdict(p) for p in self.problems[:PROBLEMS_KEPT]],
        }


class _RowError(Exception):
    def __init__(self, problem: tabular.Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _require_admin(actor: Any) -> None:
    if actor is not None and not can_administer_any(actor):
        raise PermissionDeniedError(_("Only unit administrators and commanders import units."))


def best_sheet(sheets: list[tabular.Sheet], kind: str) -> tuple[tabular.Sheet, tabular.Header]:
    return imports.best_sheet(sheets, FIELDS[kind])


def stored_sheets(stored: str, file_name: str) -> list[tabular.Sheet]:
    return imports.upload_sheets(stored, file_name, context=_CONTEXT)


def org_import_upload(*, actor: Any, kind: str, file_name: str, data: bytes) -> Upload:
    """Read the file, guess its sheet and columns, and keep it (encrypted: staff lists hold
    ID numbers and phones) until the import runs."""
    _require_admin(actor)
    errors = FieldErrors()
    if kind not in FIELDS:
        errors.add("kind", _("Choose what the file holds."), "kind_invalid")
        errors.raise_if_any()
    try:
        upload = imports.upload_read(
            kind=kind, fields=FIELDS[kind], file_name=file_name, data=data,
            folder="org/imports", context=_CONTEXT,
        )  # fmt: skip
    except tabular.FileError as exc:
        raise imports.file_error(exc, problem_message) from None
    audit_record(actor=actor, action="org.import_upload", extra={"kind": kind})
    return upload


def check_mapping(
    sheets: list[tabular.Sheet], kind: str, sheet: str, header_row: int, mapping: dict
) -> tabular.Sheet:
    """The chosen sheet, if the header row and columns fit it; ``ValidationError`` if not."""
    return imports.check_mapping(
        sheets, FIELDS[kind], sheet, header_row, mapping, message=problem_message
    )


@transaction.atomic
def org_import_start(
    *, actor: Any, upload: Upload, sheet: str, header_row: int, mapping: dict[str, int | None]
) -> Any:
    """Confirm the sheet, the header row and the columns, and start the import's job."""
    from fangkong.jobs.services import job_start

    _require_admin(actor)
    sheets = stored_sheets(upload.stored, upload.file_name)
    check_mapping(sheets, upload.kind, sheet, header_row, mapping)
    params = {
        "kind": upload.kind,
        "stored": upload.stored,
        "file_name": upload.file_name,
        "sheet": sheet,
        "header_row": header_row,
        "mapping": {f.key: mapping.get(f.key) for f in FIELDS[upload.kind]},
    }
    unit = jurisdiction_root(actor)
    return job_start(
        actor=actor, kind=JOB_KIND, params=params, unit=unit, title=upload.file_name[:200]
    )


def org_import_guessed(*, actor: Any, kind: str, file_name: str, data: bytes) -> Any:
    """Upload and start with the guessed columns (the API's way: no person to confirm them);
    ``ValidationError`` names the fields no column was found for."""
    upload = org_import_upload(actor=actor, kind=kind, file_name=file_name, data=data)
    try:
        return org_import_start(
            actor=actor,
            upload=upload,
            sheet=upload.sheet,
            header_row=upload.header_row,
            mapping=upload.mapping,
        )
    except ValidationError:
        default_storage.delete(upload.stored)
        raise


def org_import_job_run(
    *, actor: Any, params: dict[str, Any], progress: Callable[[int], None] | None = None
) -> Outcome:
    """The job's work: read the stored file, import it, then delete the file."""
    try:
        sheets = stored_sheets(params["stored"], params["file_name"])
        sheet = next(s for s in sheets if s.name == params["sheet"])
        return org_import_rows(
            actor=actor,
            kind=params["kind"],
            sheet=sheet,
            header_row=int(params["header_row"]),
            mapping=params["mapping"],
            progress=progress,
        )
    finally:
        default_storage.delete(params["stored"])


def org_import_rows(
    *,
    actor: Any,
    kind: str,
    sheet: tabular.Sheet,
    header_row: int,
    mapping: dict[str, int | None],
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
) -> Outcome:
    """Check every row; import them all in one transaction, or none and report why.
    ``actor`` None is the installation itself (``manage.py org_import``): every unit.
    ``dry_run`` counts what would change and saves nothing."""
    _require_admin(actor)
    extract = tabular.extract(sheet, header_row, mapping, FIELDS[kind])
    outcome = Outcome(rows=len(extract.rows), problems=list(extract.problems))
    apply: Callable[[Outcome], None]
    if kind == UNITS:
        units = _UnitImport(actor)
        apply = partial(units.apply, units.check(extract.rows, outcome.problems))
    else:
        staff = _StaffImport(actor)
        apply = partial(staff.apply, staff.check(extract.rows, outcome.problems))
    if progress:
        progress(50)
    if outcome.problems:
        outcome.problems.sort(key=lambda p: (p.row, p.field))
        return outcome
    try:
        with transaction.atomic():
            apply(outcome)
            audit_record(
                actor=actor,
                action="org.import",
                extra={"kind": kind, "created": outcome.created, "updated": outcome.updated},
            )
            if dry_run:
                transaction.set_rollback(True)
    except _RowError as exc:
        outcome.created = outcome.updated = outcome.unchanged = 0
        outcome.problems.append(exc.problem)
    return outcome


class _Scope:
    """The units an importer may touch, indexed by code and by name."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.root = None if actor is None or sees_everything(actor) else jurisdiction_root(actor)
        units = Unit.objects.all()
        if self.root is not None:
            units = units.filter(path__startswith=self.root.path)
        self.units = list(units)
        self.by_code = {u.code: u for u in self.units}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in self.units:
            self.by_name.setdefault(label_key(unit.name), []).append(unit)

    def allowed(self, unit: Unit) -> bool:
        return self.actor is None or can_administer(self.actor, unit)

    def default_parent(self) -> Unit | None:
        if self.root is not None:
            return self.root
        tops = [u for u in self.units if u.parent_id is None]
        return tops[0] if len(tops) == 1 else None

    def find(self, text: str) -> tuple[Unit | None, str]:
        """The unit a cell names by code or by name, or a problem code."""
        if text in self.by_code:
            return self.by_code[text], ""
        named = self.by_name.get(label_key(text), [])
        if len(named) > 1:
            return None, "unit_ambiguous"
        return (named[0], "") if named else (None, "unit_unknown")


@dataclass
class _UnitRow:
    number: int
    name: str
    code: str
    kind: str | None
    kind_given: bool
    division: str | None
    short_name: str | None
    parent_text: str
    existing: Unit | None = None
    parent: Unit | None = None  # an existing unit
    parent_row: _UnitRow | None = None  # a unit of the file


class _UnitImport:
    def __init__(self, actor: Any) -> None:
        self.scope = _Scope(actor)
        self.codes_used = set(Unit.objects.values_list("code", flat=True))

    def check(self, rows: list[tabular.Row], problems: list[tabular.Problem]) -> list[_UnitRow]:
        parsed = [r for r in (self._row(row, problems) for row in rows) if r is not None]
        by_code = {r.code: r for r in parsed if r.code}
        by_name: dict[str, list[_UnitRow]] = {}
        for r in parsed:
            by_name.setdefault(label_key(r.name), []).append(r)
        for r in parsed:
            self._parent(r, by_code, by_name, problems)
        ordered = self._ordered(parsed, problems)
        for r in ordered:  # parents first, so that a parent of the file is known by now
            if r.existing is None and not r.code:
                # No code: the unit of that name under the same parent, if there is one.
                r.existing = self._named_child(r)
        return ordered

    def _row(self, row: tabular.Row, problems: list[tabular.Problem]) -> _UnitRow | None:
        values = row.values
        if values["name"] is None:
            return None
        kind = values.get("kind") or unit_kind_from_name(values["name"])
        r = _UnitRow(
            number=row.number,
            name=values["name"],
            code=(values.get("code") or "").replace(" ", "")[:64],
            kind=kind,
            kind_given=bool(values.get("kind")),
            division=values.get("division"),
            short_name=values.get("short_name"),
            parent_text=values.get("parent") or "",
        )
        if len(r.code) > 32 or "/" in r.code:
            problems.append(tabular.Problem(row.number, "code", "text_too_long", r.code))
            return None
        if r.code and r.code in self.codes_used:
            existing = Unit.objects.get(code=r.code)
            if not self.scope.allowed(existing):
                problems.append(tabular.Problem(row.number, "code", "unit_elsewhere", r.code))
                return None
            r.existing = existing
        if kind is None and r.existing is None:
            problems.append(tabular.Problem(row.number, "kind", "unit_kind_missing"))
        return r

    def _parent(self, r: _UnitRow, by_code: dict, by_name: dict, problems: list) -> None:
        text = r.parent_text
        if not text:
            if r.existing is not None and r.existing.parent_id is None:
                return  # the top unit stays the top
            if r.existing is not None and r.existing == self.scope.root:
                return
            r.parent = self.scope.default_parent()
            if r.parent is None:
                problems.append(tabular.Problem(r.number, "parent", "parent_required"))
            return
        if text in self.scope.by_code:
            r.parent = self.scope.by_code[text]
        elif text in by_code:
            r.parent_row = by_code[text]
        elif len(by_name.get(label_key(text), [])) == 1:
            r.parent_row = by_name[label_key(text)][0]
        else:
            r.parent, code = self.scope.find(text)
            if r.parent is None:
                code = "parent_unknown" if code == "unit_unknown" else code
                problems.append(tabular.Problem(r.number, "parent", code, text))
                return
        if r.parent is not None and not self.scope.allowed(r.parent):
            problems.append(tabular.Problem(r.number, "parent", "forbidden", text))
        elif r.existing is not None and r.existing == self.scope.root:
            if r.parent is None or r.parent.pk != r.existing.parent_id:
                problems.append(tabular.Problem(r.number, "parent", "top_unit_moved", text))

    def _named_child(self, r: _UnitRow) -> Unit | None:
        parent = r.parent_row.existing if r.parent_row is not None else r.parent
        if parent is None:
            return None
        named = self.scope.by_name.get(label_key(r.name), [])
        return next((u for u in named if u.parent_id == parent.pk), None)

    def _ordered(self, rows: list[_UnitRow], problems: list[tabular.Problem]) -> list[_UnitRow]:
        """Parents before their children; a chain of file rows that loops is a problem."""
        done: list[_UnitRow] = []
        placed: set[int] = set()
        seen_keys: set[str] = set()
        for r in rows:
            key = r.code or f"{label_key(r.name)}@{r.parent_text}"
            if key in seen_keys:
                problems.append(tabular.Problem(r.number, "", "row_duplicate", r.name))
            seen_keys.add(key)
        for r in rows:
            chain: list[_UnitRow] = []
            current: _UnitRow | None = r
            while current is not None and id(current) not in placed:
                if current in chain:
                    problems.append(tabular.Problem(r.number, "parent", "parent_cycle"))
                    break
                chain.append(current)
                current = current.parent_row
            else:
                for item in reversed(chain):
                    placed.add(id(item))
                    done.append(item)
        return done

    def apply(self, rows: list[_UnitRow], outcome: Outcome) -> None:
        for r in rows:
            parent = r.parent_row.existing if r.parent_row is not None else r.parent
            if r.existing is None:
                r.existing = self._create(r, parent)
                outcome.created += 1
            elif self._update(r, parent):
                outcome.updated += 1
            else:
                outcome.unchanged += 1

    def _create(self, r: _UnitRow, parent: Unit | None) -> Unit:
        from fangkong.org.services import unit_create

        code = r.code or self._new_code(parent)
        self.codes_used.add(code)
        return unit_create(
            actor=self.scope.actor,
            code=code,
            name=r.name,
            kind=r.kind or "",
            parent=parent,
            division_code=r.division or "",
            short_name=r.short_name or "",
        )

    def _new_code(self, parent: Unit | None) -> str:
        base = parent.code if parent is not None else "U"
        n = 1
        while f"{base}-{n}" in self.codes_used:
            n += 1
        code = f"{base}-{n}"
        return code if len(code) <= 32 else uuid.uuid4().hex[:16]

    def _update(self, r: _UnitRow, parent: Unit | None) -> bool:
        unit = r.existing
        assert unit is not None  # noqa: S101 - only existing units are updated
        # An empty cell leaves the value as it is; a kind only guessed from the name too.
        changes = {"name": r.name}
        for attr, value in (
            ("kind", r.kind if r.kind_given else None),
            ("division_code", r.division),
            ("short_name", r.short_name),
        ):
            if value:
                changes[attr] = value
        changed = [k for k, v in changes.items() if getattr(unit, k) != v]
        moved = parent is not None and parent.pk != unit.parent_id
        if not changed and not moved:
            return False
        for attr in changed:
            setattr(unit, attr, changes[attr])
        if changed:
            unit.save(update_fields=changed)
        if moved:
            assert parent is not None  # noqa: S101 - moved implies a parent
            self._move(r, unit, parent)
        audit_record(
            actor=self.scope.actor,
            action="unit.update",
            target=unit,
            extra={"fields": sorted(changed + (["parent"] if moved else []))},
        )
        return True

    def _move(self, r: _UnitRow, unit: Unit, parent: Unit) -> None:
        parent.refresh_from_db(fields=["path"])
        if parent.path.startswith(unit.path):
            raise _RowError(tabular.Problem(r.number, "parent", "parent_cycle", r.parent_text))
        old = unit.path
        unit.parent = parent
        unit.path = unit.build_path()
        unit.save(update_fields=["parent", "path"])
        Unit.objects.filter(path__startswith=old).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr(F("path"), len(old) + 1))
        )


@dataclass
class _StaffRow:
    number: int
    values: dict[str, Any]
    unit: Unit
    existing: Staff | None


class _StaffImport:
    FIELDS = ("name", "kind", "position", "rank", "phone", "id_number")

    def __init__(self, actor: Any) -> None:
        self.scope = _Scope(actor)

    def check(self, rows: list[tabular.Row], problems: list[tabular.Problem]) -> list[_StaffRow]:
        badges = {self._badge(r.values["badge"]) for r in rows if r.values["badge"]}
        existing = {
            s.badge_number: s
            for s in Staff.objects.filter(badge_number__in=badges).select_related("unit")
        }
        seen: set[str] = set()
        plan = []
        for row in rows:
            values = row.values
            if not values["badge"] or not values["unit"] or not values["name"]:
                continue
            badge = self._badge(values["badge"])
            if badge in seen:
                problems.append(tabular.Problem(row.number, "badge", "row_duplicate", badge))
                continue
            seen.add(badge)
            unit, code = self.scope.find(values["unit"])
            if unit is None:
                problems.append(tabular.Problem(row.number, "unit", code, values["unit"]))
                continue
            if not self.scope.allowed(unit):
                problems.append(tabular.Problem(row.number, "unit", "forbidden", values["unit"]))
                continue
            staff = existing.get(badge)
            if staff is not None and not self.scope.allowed(staff.unit):
                problems.append(tabular.Problem(row.number, "badge", "badge_elsewhere", badge))
                continue
            if values.get("rank") and values.get("kind") not in (None, "officer"):
                problems.append(tabular.Problem(row.number, "rank", "rank_not_officer"))
                continue
            plan.append(_StaffRow(row.number, {**values, "badge": badge}, unit, staff))
        return plan

    @staticmethod
    def _badge(text: str) -> str:
        return text.replace(" ", "").upper()

    def apply(self, rows: list[_StaffRow], outcome: Outcome) -> None:
        actor = self.scope.actor
        for r in rows:
            values = {k: r.values[k] for k in self.FIELDS if r.values.get(k)}
            if r.existing is None:
                staff = Staff.objects.create(unit=r.unit, badge_number=r.values["badge"], **values)
                audit_record(actor=actor, action="staff.import_create", target=staff)
                outcome.created += 1
                continue
            staff = r.existing
            changed = [k for k, v in values.items() if getattr(staff, k) != v]
            if staff.unit_id != r.unit.pk:
                staff.unit = r.unit
                changed.append("unit")
            if not changed:
                outcome.unchanged += 1
                continue
            for k in changed:
                if k != "unit":
                    setattr(staff, k, values[k])
            indexes = [f"{k}_index" for k in ("phone", "id_number") if k in changed]
            staff.save(update_fields=changed + indexes)
            audit_record(
                actor=actor, action="staff.import_update", target=staff, extra={"fields": changed}
            )
            outcome.updated += 1


__all__ = [
    "JOB_KIND",
    "STAFF",
    "UNITS",
    "Outcome",
    "Upload",
    "best_sheet",
    "check_mapping",
    "org_import_guessed",
    "org_import_job_run",
    "org_import_rows",
    "org_import_start",
    "org_import_upload",
    "stored_sheets",
]
