"""POST /projects takes the optional past 签约/开工/竣工/投产 dates: recorded as stage events in order, the
registration dated no later than the earliest; a date out of order or in the future is a 422 naming it."""

import datetime

from django.utils import timezone

from tuijin.projects.models import Project, StageEvent

from .conftest import error_of


def body(world, code, **dates):
    return {
        "code": code,
        "name": "甲区新材料项目",
        "unit_id": world.units["jia"].pk,
        "category": "industry",
        "total_investment": 30000,
        **dates,
    }


def test_create_with_past_dates(api, world):
    writer = api.as_(world.tokens["city_admin"])
    r = writer.post(
        "projects",
        body(world, "2024-320101-34-03-00041A", signed_on="2024-01-10", started_on="2024-03-15"),
    )
    assert r.status_code == 201, r.content
    assert r.json()["stage"] == "started"
    assert list(
        StageEvent.objects.filter(project__code="2024-320101-34-03-00041A")
        .order_by("date", "id")
        .values_list("stage", "date")
    ) == [
        ("planning", datetime.date(2024, 1, 10)),
        ("signed", datetime.date(2024, 1, 10)),
        ("started", datetime.date(2024, 3, 15)),
    ]


def test_dates_out_of_order_or_in_the_future_are_422(api, world):
    writer = api.as_(world.tokens["city_admin"])
    r = writer.post(
        "projects",
        body(world, "2024-320101-34-03-00042A", started_on="2024-03-15", completed_on="2024-02-01"),
    )
    assert r.status_code == 422 and error_of(r)["field"] == "completed_on"
    assert "竣工日期 2024-02-01 早于开工日期 2024-03-15" in error_of(r)["message"]
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    r = writer.post("projects", body(world, "2024-320101-34-03-00042A", operating_on=future))
    assert r.status_code == 422 and error_of(r)["field"] == "operating_on"
    assert not Project.objects.filter(code="2024-320101-34-03-00042A").exists()
