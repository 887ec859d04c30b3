"""Importing a community's 一标三实 base records from a spreadsheet: its standard addresses
(buildings and doors) and its actual residents.

The same three steps as the unit import (:mod:`fangkong.core.imports`): upload (the file is
kept encrypted: resident lists hold ID numbers and phones), confirm the columns, then a
background job checks every row and imports all of them in one transaction, or none and keeps
a report of the problems per row. Importing the same file again changes nothing: a building is
matched by its name in the community, a door by its label in the building, a resident by
their ID number at the door.

Residents' ID numbers and phones are kept like every ``Resident``: encrypted, blind-indexed;
the problems kept in the job's result show them masked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core import imports
from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.imports import Upload
from fangkong.grid.choices import ResidentKind
from fangkong.grid.imports import DOORS, FIELDS, RESIDENTS, problem_message
from fangkong.grid.models import Building, Community, Door, GridCell, Resident
from fangkong.grid.scope import grid_scope
from fangkong.lib import tabular
from fangkong.lib.mask import mask_id_number, mask_phone
from fangkong.lib.tabular.columns import label_key
from fangkong.registration.choices import DocumentType
from fangkong.registration.people import persons_prepare

JOB_KIND = "grid.import"
PROBLEMS_KEPT = 2000
_CONTEXT = b"grid.import"
_MASKS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number, "phone": mask_phone}


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    buildings: int = 0  # buildings created for the doors
    problems: list[tabular.Problem] = field(default_factory=list)

    def as_result(self, kind: str, community: Community) -> dict[str, Any]:
        return {
            "kind": kind,
            "community": community.pk,
            "community_name": community.name,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "buildings": self.buildings,
            "problems_total": len(self.problems),
            "problems": [asdict(_masked(p)) for p in self.problems[:PROBLEMS_KEPT]],
        }


def _masked(problem: tabular.Problem) -> tabular.Problem:
    """The problem with an ID number or phone masked: the job's result is kept in clear."""
    mask = _MASKS.get(problem.field)
    if mask is None or not problem.value:
        return problem
    return tabular.Problem(problem.row, problem.field, problem.code, mask(problem.value))


def may_import(actor: Any, community: Community) -> bool:
    """The station of the community and the units above it, and its community officer."""
    scope = grid_scope(actor)
    if scope.everything:
        return True
    if scope.kind == "unit":
        return community.station.path.startswith(scope.path)
    return community.pk in scope.communities


def importable_communities(actor: Any) -> Any:
    communities = Community.objects.select_related("street", "station").order_by("code")
    return [c for c in communities if may_import(actor, c)]


def _require(actor: Any, community: Community) -> None:
    if not may_import(actor, community):
        raise PermissionDeniedError(_("You may not import into this community."))


def grid_import_upload(
    *, actor: Any, community: Community, kind: str, file_name: str, data: bytes
) -> Upload:
    """Read the file, guess its sheet and columns, and keep it until the import runs."""
    _require(actor, community)
    if kind not in FIELDS:
        errors = FieldErrors()
        errors.add("kind", _("Choose what the file holds."), "kind_invalid")
        errors.raise_if_any()
    try:
        upload = imports.upload_read(
            kind=kind, fields=FIELDS[kind], file_name=file_name, data=data,
            folder="grid/imports", context=_CONTEXT, target=community.pk,
        )  # fmt: skip
    except tabular.FileError as exc:
        raise imports.file_error(exc, problem_message) from None
    audit_record(actor=actor, action="grid.import_upload", target=community, extra={"kind": kind})
    return upload


def stored_sheets(upload: Upload) -> list[tabular.Sheet]:
    return imports.upload_sheets(upload.stored, upload.file_name, context=_CONTEXT)


@transaction.atomic
def grid_import_start(
    *, actor: Any, upload: Upload, sheet: str, header_row: int, mapping: dict[str, int | None]
) -> Any:
    """Confirm the sheet, the header row and the columns, and start the import's job."""
    from fangkong.jobs.services import job_start

    community = Community.objects.select_related("station").get(pk=upload.target or 0)
    _require(actor, community)
    fields = FIELDS[upload.kind]
    imports.check_mapping(
        stored_sheets(upload), fields, sheet, header_row, mapping, message=problem_message
    )
    params = {
        "kind": upload.kind,
        "community": community.pk,
        "stored": upload.stored,
        "file_name": upload.file_name,
        "sheet": sheet,
        "header_row": header_row,
        "mapping": {f.key: mapping.get(f.key) for f in fields},
    }
    return job_start(
        actor=actor, kind=JOB_KIND, params=params, unit=community.station,
        title=f"{community.name} · {upload.file_name}"[:200],
    )  # fmt: skip


def grid_import_job_run(
    *, actor: Any, params: dict[str, Any], progress: Callable[[int], None] | None = None
) -> tuple[Outcome, Community]:
    """The job's work: read the stored file, import it, then delete the file."""
    try:
        community = Community.objects.select_related("street", "station").get(
            pk=params["community"]
        )
        sheets = imports.upload_sheets(params["stored"], params["file_name"], context=_CONTEXT)
        sheet = next(s for s in sheets if s.name == params["sheet"])
        outcome = grid_import_rows(
            actor=actor, community=community, kind=params["kind"], sheet=sheet,
            header_row=int(params["header_row"]), mapping=params["mapping"], progress=progress,
        )  # fmt: skip
        return outcome, community
    finally:
        default_storage.delete(params["stored"])


def grid_import_rows(
    *,
    actor: Any,
    community: Community,
    kind: str,
    sheet: tabular.Sheet,
    header_row: int,
    mapping: dict[str, int | None],
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Check every row; import them all in one transaction, or none and report why."""
    _require(actor, community)
    extract = tabular.extract(sheet, header_row, mapping, FIELDS[kind])
    outcome = Outcome(rows=len(extract.rows), problems=list(extract.problems))
    places = _Places(community)
    if kind == DOORS:
        checked: list[Any] = places.check_doors(extract.rows, outcome.problems)
    else:
        checked = places.check_residents(extract.rows, outcome.problems)
    if progress:
        progress(50)
    if outcome.problems:
        outcome.problems.sort(key=lambda p: (p.row, p.field))
        return outcome
    with transaction.atomic():
        if kind == DOORS:
            places.apply_doors(checked, outcome)
        else:
            _apply_residents(checked, outcome)
        audit_record(
            actor=actor, action="grid.import", target=community,
            extra={"kind": kind, "created": outcome.created, "updated": outcome.updated},
        )  # fmt: skip
    return outcome


def _same(a: str, b: str) -> bool:
    """Whether a cell names the same place as the record (东街社区 and 东街社区居委会 do)."""
    x, y = label_key(a), label_key(b)
    return bool(x and y) and (x in y or y in x)


@dataclass
class _DoorRow:
    number: int
    cell: GridCell
    building: str
    door: str
    address: str


@dataclass
class _ResidentRow:
    number: int
    door: Door
    name: str
    id_number: str
    phone: str
    relation: str
    kind: str


class _Places:
    """The community's cells, buildings and doors, read once."""

    def __init__(self, community: Community) -> None:
        self.community = community
        self.cells = list(GridCell.objects.filter(community=community))
        self.buildings = {
            label_key(b.name): b for b in Building.objects.filter(cell__community=community)
        }
        self.doors = {
            (label_key(d.building.name), label_key(d.label)): d
            for d in Door.objects.filter(cell__community=community).select_related(
                "building", "cell"
            )
        }

    def _cell(self, row: tabular.Row, problems: list[tabular.Problem]) -> GridCell | None:
        text = row.values.get("cell")
        building = self.buildings.get(label_key(row.values["building"] or ""))
        if text:
            key = label_key(text)
            cell = next(
                (c for c in self.cells if key in (label_key(c.code), label_key(c.name))), None
            )
            if cell is None:
                problems.append(tabular.Problem(row.number, "cell", "cell_unknown", text))
            elif building is not None and building.cell_id != cell.pk:
                problems.append(
                    tabular.Problem(
                        row.number, "building", "building_other_cell", row.values["building"]
                    )
                )
                return None
            return cell
        if building is not None:
            return next(c for c in self.cells if c.pk == building.cell_id)
        if len(self.cells) == 1:
            return self.cells[0]
        problems.append(tabular.Problem(row.number, "cell", "cell_required"))
        return None

    def _where(self, row: tabular.Row, problems: list[tabular.Problem]) -> bool:
        ok = True
        street, community = row.values.get("street"), row.values.get("community")
        if street and not _same(street, self.community.street.name):
            problems.append(tabular.Problem(row.number, "street", "street_other", street))
            ok = False
        if community and not _same(community, self.community.name):
            problems.append(tabular.Problem(row.number, "community", "community_other", community))
            ok = False
        return ok

    def check_doors(
        self, rows: list[tabular.Row], problems: list[tabular.Problem]
    ) -> list[_DoorRow]:
        checked: list[_DoorRow] = []
        seen: set[tuple[str, str]] = set()
        for row in rows:
            v = row.values
            if not v["building"] or not v["door"]:
                continue  # a "required" problem already
            where_ok = self._where(row, problems)
            cell = self._cell(row, problems)
            key = (label_key(v["building"]), label_key(v["door"]))
            if key in seen:
                problems.append(tabular.Problem(row.number, "", "row_duplicate"))
                continue
            seen.add(key)
            if cell is None or not where_ok:
                continue
            address = (
                v["address"]
                or "".join(
                    (self.community.street.name, self.community.name, v["building"], v["door"])
                )[:200]
            )
            checked.append(_DoorRow(row.number, cell, v["building"], v["door"], address))
        return checked

    def apply_doors(self, rows: list[_DoorRow], outcome: Outcome) -> None:
        for r in rows:
            building = self.buildings.get(label_key(r.building))
            if building is None:
                building = Building.objects.create(cell=r.cell, name=r.building)
                self.buildings[label_key(r.building)] = building
                outcome.buildings += 1
            door = self.doors.get((label_key(r.building), label_key(r.door)))
            if door is None:
                door = Door.objects.create(
                    building=building, cell=r.cell, label=r.door, address=r.address
                )
                self.doors[(label_key(r.building), label_key(r.door))] = door
                outcome.created += 1
            elif door.address != r.address:
                door.address = r.address
                door.save(update_fields=["address"])
                outcome.updated += 1
            else:
                outcome.unchanged += 1

    def check_residents(
        self, rows: list[tabular.Row], problems: list[tabular.Problem]
    ) -> list[_ResidentRow]:
        checked: list[_ResidentRow] = []
        seen: set[tuple[int, str]] = set()
        for row in rows:
            v = row.values
            if not v["building"] or not v["door"]:
                continue
            door = self.doors.get((label_key(v["building"]), label_key(v["door"])))
            if door is None:
                value = f"{v['building']} {v['door']}"
                problems.append(tabular.Problem(row.number, "door", "door_unknown", value))
                continue
            cell_text = v.get("cell")
            if cell_text and label_key(cell_text) not in (
                label_key(door.cell.code), label_key(door.cell.name)
            ):  # fmt: skip
                problems.append(tabular.Problem(row.number, "cell", "cell_unknown", cell_text))
                continue
            if not v["name"] or not v["id_number"]:
                continue
            if (door.pk, v["id_number"]) in seen:
                problems.append(tabular.Problem(row.number, "", "row_duplicate"))
                continue
            seen.add((door.pk, v["id_number"]))
            checked.append(
                _ResidentRow(
                    row.number,
                    door,
                    v["name"],
                    v["id_number"],
                    v["phone"] or "",
                    v["relation"] or "",
                    str(v["kind"] or ResidentKind.REGISTERED),
                )  # fmt: skip
            )
        return checked


def _apply_residents(rows: list[_ResidentRow], outcome: Outcome) -> None:
    documents = sorted({r.id_number for r in rows})
    persons, insert = persons_prepare([(DocumentType.RESIDENT_ID, n) for n in documents])
    insert.run()
    person_of = {n: p.pk for n, p in zip(documents, persons, strict=True)}
    doors = {r.door.pk for r in rows}
    existing = {
        (res.door_id, res.person_id): res
        for res in Resident.objects.filter(door_id__in=doors, active=True)
    }
    for r in rows:
        person = person_of[r.id_number]
        found = existing.get((r.door.pk, person))
        if found is None:
            Resident.objects.create(
                door=r.door, cell_id=r.door.cell_id, person_id=person, name=r.name,
                phone=r.phone, relation=r.relation, kind=r.kind,
            )  # fmt: skip
            outcome.created += 1
            continue
        changed = [
            name
            for name, value in (
                ("name", r.name),
                ("phone", r.phone),
                ("relation", r.relation),
                ("kind", r.kind),
            )  # fmt: skip
            if getattr(found, name) != value
        ]
        if not changed:
            outcome.unchanged += 1
            continue
        for name in changed:
            setattr(found, name, getattr(r, name))
        found.save()
        outcome.updated += 1


def grid_import_guessed(
    *, actor: Any, community: Community, kind: str, file_name: str, data: bytes
) -> Any:
    """Upload and start with the guessed columns (no person to confirm them)."""
    upload = grid_import_upload(
        actor=actor, community=community, kind=kind, file_name=file_name, data=data
    )
    try:
        return grid_import_start(
            actor=actor, upload=upload, sheet=upload.sheet, header_row=upload.header_row,
            mapping=upload.mapping,
        )  # fmt: skip
    except ValidationError:
        default_storage.delete(upload.stored)
        raise


__all__ = [
    "DOORS",
    "JOB_KIND",
    "RESIDENTS",
    "Outcome",
    "grid_import_guessed",
    "grid_import_job_run",
    "grid_import_rows",
    "grid_import_start",
    "grid_import_upload",
    "importable_communities",
    "may_import",
]
