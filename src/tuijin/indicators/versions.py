"""The data version per city and year: what the indicator cache's keys are made of (issue 21, item 3).

Writes: every audited write calls `bump_for_change` from the audit write path (tuijin.audit.services), in the
write's own transaction. It finds the city (or cities: a project moved from one to another) the changed row
belongs to and adds one to that city's counter for the row's year (0: every year). The UPDATE takes the row's
lock until the write commits, so a reader can never cache figures that miss a committed write under a version
that was current after it: the version only moves when the write becomes visible.

Rows that no figure reads (users, notifications, problems, bulletins …) bump nothing. A change whose city
cannot be told (a category renamed, a unit moved, a province's list) bumps the row without a city, which every
city's figures depend on.

Within one transaction a city's version for a year needs moving once: nothing caches figures inside a
transaction (engine._cached computes there), and the first UPDATE holds the row's lock until the commit. So
later changes of the same transaction skip both the lookup of their cities and the UPDATE (a build of the demo
or a long import makes tens of thousands of audited changes in one transaction). What was bumped is
remembered with a no-op on-commit callback: Django drops the callbacks of a savepoint that is rolled back and
of a transaction that ends, so a bump that did not survive is never taken for done.

Reads: `versions_for(city, year, using)` in one query, on the same database alias as the figures (see
engine.compute): the city's rows for the year, the year before (figures compare with it) and 0, and the
city-less rows; for a province, those of every city in it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q

from tuijin.orgs.models import OrgUnit, UnitKind

from .models import DataVersion

# The apps whose rows feed a figure; audited writes elsewhere never touch a cached figure.
FIGURE_APPS = frozenset({"orgs", "industry", "projects", "progress", "attraction"})
# Rows of those apps that no figure reads.
NOT_FIGURES = frozenset(
    {
        "progress.ReportPhoto",
        "progress.ReportingPeriod",
        "projects.Milestone",
        "projects.StagePlan",
        "attraction.ContactLog",
    }
)
# Whole-city (every year) rows: what a change to them moves is not tied to their own year.
ALL_YEARS = frozenset(
    {"orgs.Conventions", "projects.Project", "projects.StageEvent", "projects.AnnualList"}
)

ANY = None  # the city-less row


def _cities_of_project(project_id: int) -> set[int | None]:
    rows = list(
        OrgUnit.objects.filter(kind=UnitKind.CITY)
        .filter(
            Exists(
                _project_model().objects.filter(
                    pk=project_id, unit__path__startswith=OuterRef("path")
                )
            )
        )
        .values_list("id", flat=True)
    )
    return set(rows) or {ANY}


def _cities_of_unit(unit_id: int) -> set[int | None]:
    rows = list(
        OrgUnit.objects.filter(kind=UnitKind.CITY)
        .filter(Exists(OrgUnit.objects.filter(pk=unit_id, path__startswith=OuterRef("path"))))
        .values_list("id", flat=True)
    )
    return set(rows) or {ANY}


def _project_model():
    from tuijin.projects.models import Project

    return Project


def cities_of_change(
    obj, project_id: int | None, before: dict | None, after: dict | None
) -> set[int | None]:
    """The cities whose figures a change of `obj` can move (ANY: unknown, so every city's)."""
    label = obj._meta.label
    if label == "orgs.OrgUnit":
        return {
            ANY
        }  # a unit renamed, moved or retired: rare, and it may move figures anywhere above it
    if label == "projects.Project":
        cities: set[int | None] = set()
        for snap in (before, after):
            unit_id = (snap or {}).get("unit")
            if unit_id:
                cities |= _cities_of_unit(unit_id)
        return cities or _cities_of_project(obj.pk)
    if project_id is not None:
        return _cities_of_project(project_id)
    for attr in ("city_id", "unit_id"):
        value = getattr(obj, attr, None)
        if value:
            return _cities_of_unit(value)
    annual_list_id = getattr(obj, "annual_list_id", None)
    if annual_list_id:
        from tuijin.projects.models import AnnualList

        city_id = (
            AnnualList.objects.filter(pk=annual_list_id).values_list("city_id", flat=True).first()
        )
        return _cities_of_unit(city_id) if city_id else {ANY}
    return {ANY}


def bump_for_change(
    obj, *, project_id: int | None = None, before: dict | None = None, after: dict | None = None
) -> None:
    """Called by the audit write path for every audited change (inside its transaction)."""
    label = obj._meta.label
    if obj._meta.app_label not in FIGURE_APPS or label in NOT_FIGURES:
        return
    year = getattr(obj, "year", None)
    if label in ALL_YEARS or not isinstance(year, int):
        year = 0
    # What decides the change's cities (its project, unit or list) already moved their versions for the year in
    # this transaction: nothing more to do.
    keys = _lookup_keys(obj, label, project_id, before, after, year)
    if keys and all(_bumped_in_this_transaction(k) for k in keys):
        return
    bump(cities_of_change(obj, project_id, before, after), year)
    for key in keys:
        _remember_bumped(key)


def _lookup_keys(obj, label: str, project_id, before, after, year: int) -> tuple:
    """What cities_of_change looks the cities up by, as memo keys (empty: nothing to remember)."""
    if label == "orgs.OrgUnit":
        return ()
    if label == "projects.Project":
        units = {(snap or {}).get("unit") for snap in (before, after)} - {None}
        return tuple(("unit", u, year) for u in sorted(units)) or (("project", obj.pk, year),)
    if project_id is not None:
        return (("project", project_id, year),)
    for attr in ("city_id", "unit_id"):
        value = getattr(obj, attr, None)
        if value:
            return (("unit", value, year),)
    annual_list_id = getattr(obj, "annual_list_id", None)
    return (("list", annual_list_id, year),) if annual_list_id else ()


class _Bumped:
    """The no-op on-commit callback that marks a bump as part of the transaction (see the module's docstring)."""

    __slots__ = ()

    def __call__(self) -> None:
        return None


_MEMO = "_tuijin_bumped"  # on the connection: key → (index in run_on_commit, its _Bumped)
_MEMO_MAX = 50_000


def _bumped_in_this_transaction(key) -> bool:
    connection = transaction.get_connection()
    memo = getattr(connection, _MEMO, None)
    if not memo or not connection.in_atomic_block or key not in memo:
        return False
    index, marker = memo[key]
    callbacks = connection.run_on_commit
    if index < len(callbacks) and callbacks[index][1] is marker:
        return True
    del memo[key]  # rolled back, or an earlier transaction's: bump again
    return False


def _remember_bumped(key) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # autocommit: the bump is already committed, and the next change is another transaction
    memo = getattr(connection, _MEMO, None)
    if memo is None or len(memo) > _MEMO_MAX:
        memo = {}
        setattr(connection, _MEMO, memo)
    marker = _Bumped()
    memo[key] = (len(connection.run_on_commit), marker)
    transaction.on_commit(marker)


def bump(city_ids, year: int = 0) -> None:
    """Add one to each city's version for the year (0: every year); ANY (None) in city_ids: the city-less row.
    A city already bumped for the year in this transaction is skipped."""
    for city_id in sorted(
        city_ids, key=lambda c: (c is not None, c or 0)
    ):  # one order: no deadlock
        if _bumped_in_this_transaction(("city", city_id, year)):
            continue
        _bump_one(city_id, year)
        _remember_bumped(("city", city_id, year))


def _bump_one(city_id, year: int) -> None:
    rows = DataVersion.objects.filter(city_id=city_id, year=year)
    if rows.update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(city_id=city_id, year=year, version=1)
    except IntegrityError:  # created meanwhile by another writer
        rows.update(version=F("version") + 1)


def bump_projects(project_ids, year: int = 0) -> None:
    """Bulk writers (imports): one bump per city of the given projects."""
    ids = list(set(project_ids))
    if not ids:
        return
    cities = set(
        OrgUnit.objects.filter(kind=UnitKind.CITY)
        .filter(
            Exists(
                _project_model().objects.filter(pk__in=ids, unit__path__startswith=OuterRef("path"))
            )
        )
        .values_list("id", flat=True)
    )
    bump(cities or {ANY}, year)


def versions_for(city: OrgUnit, year: int, using: str = "default") -> tuple:
    """The versions figures of `city` (a province: every city in it) for `year` depend on. One query."""
    mine = Q(city__path__startswith=city.path) if city.kind == UnitKind.PROVINCE else Q(city=city)
    rows = (
        DataVersion.objects.using(using)
        .filter(mine | Q(city__isnull=True), year__in=(0, year, year - 1))
        .order_by("city_id", "year")
        .values_list("city_id", "year", "version")
    )
    return tuple(rows)


def versions_for_city(city: OrgUnit, using: str = "default") -> tuple:
    """Every version of `city` (a province: of every city in it), all years, and the city-less rows. One query."""
    mine = Q(city__path__startswith=city.path) if city.kind == UnitKind.PROVINCE else Q(city=city)
    rows = (
        DataVersion.objects.using(using)
        .filter(mine | Q(city__isnull=True))
        .order_by("city_id", "year")
        .values_list("city_id", "year", "version")
    )
    return tuple(rows)
