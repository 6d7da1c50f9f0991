"""On the demo database: 镇江市's funds arrived by source at 2024-06 against its 2024 targets per source (set by
attraction/demo.py through services.set_target), as the CLI, the API and the bulletin's 招商引资 paragraph print
them, and a cohort of one of its events."""

import io
import json

import pytest
from django.core.management import call_command

from tuijin.attraction.models import AttractionEvent, Contract, FundsArrival
from tuijin.orgs.selectors import city_by_name

pytestmark = pytest.mark.demo


def cli(*args) -> dict:
    out = io.StringIO()
    call_command("attraction", "--city", "镇江市", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_zhenjiang_funds_by_source_and_its_bulletin(demo):
    """The four default sources in their order, with the demo's targets in 万元 as entered (25000.5, 8000,
    12000.25, 20000); the arrivals are tagged with the city's sources (境外 for foreign capital, some 市内县际); the
    total is the performance figure's 到位资金; the bulletin's paragraph prints the same total and every source
    with funds, and one sentence per source target."""
    from tuijin.bulletins.generator import generate
    from tuijin.core.periods import Period

    city = city_by_name("镇江市")
    arrivals = FundsArrival.objects.filter(contract__project__unit__path__startswith=city.path)
    assert arrivals.filter(source__code="county").exists()
    assert not arrivals.exclude(source__city=city).exists()
    assert (
        not arrivals.filter(contract__foreign_capital__gt=0)
        .exclude(source__code="foreign")
        .exists()
    )
    d = cli("--by-source", "--through", "2024-06")
    print(json.dumps(d, ensure_ascii=False, indent=1))
    assert [s["name"] for s in d["sources"]] == ["境外", "国内省外", "省内市外", "市内县际"]
    assert [s["target_wan"] for s in d["sources"]] == [25000.5, 8000, 12000.25, 20000]
    assert d["funds_arrived_yi"] == cli("--through", "2024-06")["funds_arrived_yi"]
    county = d["sources"][3]
    assert county["schedule_pct"] == 45.0  # the June step: 9000 of 20000
    assert d["sources"][0]["schedule_pct"] == 50.0  # 6 of 12 months
    texts = [
        s.text
        for s in generate(city, Period.year_to_date(2024, 6)).sentences
        if s.section == "attraction"
    ]
    print("\n".join(texts))
    assert texts[0].startswith(f"上半年，全市招商引资到位资金{d['funds_arrived_yi']:.1f}亿元，其中")
    for s in d["sources"]:
        if s["arrived_yi"]:
            assert f"{s['name']}{s['arrived_yi']:.1f}亿元（占{s['share_pct']:.1f}%）" in texts[0]
    assert (
        sum(
            t.startswith(
                ("境外资金到位", "国内省外资金到位", "省内市外资金到位", "市内县际资金到位")
            )
            for t in texts
        )
        == 4
    )
    assert any(t.startswith("2024年签约项目") and "履约率" in t for t in texts)


def test_zhenjiang_event_cohort(demo):
    """The projects signed at 镇江市's events: the cohort counts as many projects as first signings there, and its
    contracted investment is theirs."""
    city = city_by_name("镇江市")
    event = (
        AttractionEvent.objects.filter(city=city, contracts__isnull=False)
        .distinct()
        .order_by("date")
        .first()
    )
    signed = Contract.objects.filter(event=event).exclude(kind="resigned")
    d = cli("--cohort-event", str(event.pk), "--as-of", "2024-12-31")
    print(json.dumps(d, ensure_ascii=False, indent=1))
    assert d["signed"] == signed.values("project").distinct().count() > 0
    assert d["performing"] <= d["signed"] and d["started"] <= d["signed"]
    assert d["funds_rate_pct"] is not None
