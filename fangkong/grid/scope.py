"""Who sees which part of the grid. An assignment narrows what a user sees: a community
officer (社区民警) sees their communities, a grid worker their cells; anyone else sees the
communities of the police stations within their unit's subtree (a station its own, a brigade
or bureau all below it). A superuser sees everything.

Every selector of grid and key-person data filters through :func:`grid_q`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from fangkong.core.jurisdiction import jurisdiction_root, sees_everything


@dataclass(frozen=True)
class GridScope:
    everything: bool = False
    unit_path: str | None = None
    communities: frozenset[int] = frozenset()
    cells: frozenset[int] = frozenset()
    # The communities of ``cells``: a grid worker sees their community's name, not its rows.
    cell_communities: frozenset[int] = frozenset()

    @property
    def kind(self) -> str:
        if self.everything:
            return "all"
        if self.communities:
            return "community"
        if self.cells:
            return "cell"
        return "unit" if self.unit_path else "none"

    @property
    def path(self) -> str:
        """The unit path of a scope of kind "unit"."""
        if not self.unit_path:
            raise ValueError("This scope is not a unit's.")
        return self.unit_path


def grid_scope(user: Any) -> GridScope:
    if sees_everything(user):
        return GridScope(everything=True)
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    if staff is None:
        return GridScope()
    cached = getattr(staff, "_grid_scope", None)
    if cached is not None:
        return cached
    from fangkong.grid.models import Community, GridCell

    communities = frozenset(Community.objects.filter(officer=staff).values_list("pk", flat=True))
    cells = dict(GridCell.objects.filter(worker=staff).values_list("pk", "community_id"))
    if communities or cells:
        scope = GridScope(
            communities=communities,
            cells=frozenset(cells),
            cell_communities=frozenset(cells.values()),
        )
    else:
        root = jurisdiction_root(user)
        scope = GridScope(unit_path=root.path if root is not None else None)
    staff._grid_scope = scope  # The staff object lives for one request.
    return scope


def grid_q(user: Any, *, community: str = "community", cell: str | None = "cell") -> Q:
    """A filter for rows whose community is at the field path ``community`` ("" for a
    community itself) and whose cell at ``cell`` ("" for a cell itself, None for rows that
    have no cell: those are seen by a grid worker only for a community of their cells)."""
    scope = grid_scope(user)
    if scope.everything:
        return Q()
    if scope.kind == "unit":
        if not community:
            return Q(station__path__startswith=scope.path)
        # A semi-join on the (few) communities rather than a join of every row to its unit.
        from fangkong.grid.models import Community

        ids = Community.objects.filter(station__path__startswith=scope.path).values("pk")
        return Q(**{f"{community}_id__in": ids})
    community_key = f"{community}_id__in" if community else "pk__in"
    q = Q(pk__in=[])
    if scope.communities:
        q |= Q(**{community_key: scope.communities})
    if scope.cells:
        if cell is None:
            q |= Q(**{community_key: scope.cell_communities})
        else:
            q |= Q(**{f"{cell}_id__in" if cell else "pk__in": scope.cells})
    return q
