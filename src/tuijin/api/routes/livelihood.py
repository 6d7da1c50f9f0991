"""Livelihood items (民生实事): the programmes a user sees, and a programme's state through a month, exactly
as `tuijin livelihood --format json` prints it, limited to the items in the caller's reach."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Router, Schema

from tuijin.core.periods import parse_through
from tuijin.core.policy import READ, requires
from tuijin.livelihood.present import present_status
from tuijin.livelihood.selectors import programme_for, programme_status, programmes_for
from tuijin.orgs.selectors import unit_in_city

from ..errors import ApiError
from ..pagination import page_of, paginate
from .common import Cursor, Limit, Name, Through, city_in_reach, not_found, responses

router = Router(tags=["民生实事 livelihood"])

class ProgrammeOut(Schema):
    id: int
    unit_id: int
    unit: str
    year: int
    name: str


ProgrammePage = page_of(ProgrammeOut, "ProgrammePage")


def _programme(p) -> dict:
    return {"id": p.pk, "unit_id": p.unit_id, "unit": p.unit.name, "year": p.year, "name": p.name}


@router.get("/livelihood/programmes", response=responses({200: ProgrammePage}), summary="民生实事计划")
@requires(READ)
def list_programmes(request, cursor: Cursor = None, limit: Limit = 50):
    """The programmes (a level's yearly list) in which the caller sees at least one item."""
    qs = programmes_for(request.auth)
    return paginate(request, qs, cursor=cursor, limit=limit, serialize=_programme)


@router.get("/livelihood/status", response=responses({200: dict[str, Any]}), summary="民生实事推进情况")
@requires(READ)
def livelihood_status(request, through: Through, city: Name = None, unit: Name = None,
                      basis: Literal["accepted", "submitted"] = "accepted"):
    """The programme of `city` (or of its `unit`, a district) for the year of `through`, at the end of that
    month: counts by status (已完成 / 超序时 / 按序时 / 欠序时), by category and lead department, the lagging
    items, and every item the caller may see with its target, done, planned share and status."""
    user = request.auth
    try:
        year, month = parse_through(through, "through")
    except ValueError as exc:
        raise ApiError(422, "invalid_input", str(exc), "through") from None
    city_obj = city_in_reach(user, city)
    owner = unit_in_city(city_obj, unit) if unit else city_obj
    programme = programme_for(owner, year)
    if not programmes_for(user).filter(pk=programme.pk).exists():
        raise not_found("民生实事计划", "unit" if unit else "city")
    return present_status(programme_status(programme=programme, month=month, user=user, basis=basis))
