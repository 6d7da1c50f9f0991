"""On the demo database: every project signed in 2023–2024 was signed through the attraction pipeline, so the
published new-signing figures (A1/A2, B1–B4) are exactly counts of first-signing contracts.

Hand counts of the demo's 2023–2024 signings (demo/builder.py):
- 镇江市: A1 221 + A2's 2023 H1 187 + 40 below 1亿 + 25 基础设施 + 20 in 2023 H2 + 15 below 1亿 in 2023 H1, and
  the planned new starts of the lists, signed in 2023 H2: 10 省重大 + 80 市重大 → 598.
- 苏州市: B1 481 in Q1 2024, 301 started in Q1 2024 and signed in 2023, 50 below 1亿 + 30 in April–June 2024,
  and the planned new starts of the lists, signed in 2023 H2: 8 省重大 + 40 市重大 → 910.
Leads: one per signing, plus one per district-level unit still in the pipeline (镇江市 8, 苏州市 10), of which
one per city was given up. Contracts: one first signing per signing, plus one capital increase per city."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from tuijin.attraction.models import (
    AttractionEvent,
    Contract,
    ContractKind,
    Lead,
    LeadSource,
    LeadStage,
)
from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import Stage, StageEvent

pytestmark = pytest.mark.demo

SIGNINGS = {"镇江市": 598, "苏州市": 910}
OPEN_LEADS = {"镇江市": 8, "苏州市": 10}


def cli(*args) -> dict:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def city(name):
    return OrgUnit.objects.get(name=name, kind="city")


def first_signings(c, start, end, **project):
    """The city's first-signing contracts signed in [start, end], with a filter on their project."""
    filters = {f"project__{k}": v for k, v in project.items()}
    return Contract.objects.filter(kind=ContractKind.FIRST, project__unit__path__startswith=c.path,
                                   signed_on__gte=start, signed_on__lte=end, **filters)


@pytest.mark.parametrize("name", ["镇江市", "苏州市"])
def test_every_2023_2024_signing_is_one_first_signing_contract_of_a_signed_lead(demo, name):
    c = city(name)
    events = {e.project_id: e.date for e in StageEvent.objects.filter(
        stage=Stage.SIGNED, date__year__in=[2023, 2024], project__unit__path__startswith=c.path)}
    assert len(events) == SIGNINGS[name]
    contracts = Contract.objects.filter(project__unit__path__startswith=c.path, kind=ContractKind.FIRST)
    # Exactly one first signing per project (the database constraint holds it too), on the 签约 event's date.
    per_project = dict(contracts.order_by().values_list("project_id").annotate(n=Count("id")))
    assert per_project == dict.fromkeys(events, 1)
    assert dict(contracts.values_list("project_id", "signed_on")) == events
    # Its lead is at 签约, followed by the project's unit, its investor the project's owner, its amount the
    # project's total planned investment; every lead came through at least one stage before signing.
    rows = contracts.values_list("lead__stage", "lead__unit_id", "project__unit_id", "lead__investor",
                                 "project__owner", "investment", "project__total_investment")
    for stage, lead_unit, unit, investor, owner, investment, total in rows:
        assert (stage, lead_unit, investor, investment) == (LeadStage.SIGNED, unit, owner, total)
    signed_leads = Lead.objects.filter(city=c, stage=LeadStage.SIGNED)
    assert signed_leads.count() == SIGNINGS[name]
    assert not signed_leads.annotate(n=Count("contacts")).filter(n__lt=2).exists()  # a move, then the signing
    # Signings before 2023 were entered before the pipeline: no contract.
    assert not Contract.objects.filter(project__unit__path__startswith=c.path,
                                       signed_on__lt=datetime.date(2023, 1, 1)).exists()


def test_new_signing_figures_are_the_counts_of_first_signing_contracts(demo):
    D = datetime.date
    zj, sz = city("镇江市"), city("苏州市")
    # A1/A2: 镇江市, industrial ≥ 1亿, 2024 H1 and 2023 H1.
    fig = cli("indicators", "--city", "镇江市", "--through", "2024-06", "--category", "产业",
              "--min-total-yi", "1")["new_signed"]
    h1 = first_signings(zj, D(2024, 1, 1), D(2024, 6, 30), category__name="产业", total_investment__gte=10000)
    prev = first_signings(zj, D(2023, 1, 1), D(2023, 6, 30), category__name="产业", total_investment__gte=10000)
    assert (fig["count"], fig["count_prev"]) == (h1.count(), prev.count()) == (221, 187)
    assert h1.aggregate(s=Sum("investment"))["s"] == Decimal("10946000")  # 1094.6 亿元
    # B1: 苏州市, every category ≥ 1亿, 2024 Q1; B2–B4 by unit.
    q1 = cli("indicators", "--city", "苏州市", "--through", "2024-03", "--min-total-yi", "1")
    b1 = first_signings(sz, D(2024, 1, 1), D(2024, 3, 31), total_investment__gte=10000)
    assert q1["new_signed"]["count"] == b1.count() == 481
    industrial = cli("indicators", "--city", "苏州市", "--through", "2024-03", "--min-total-yi", "1",
                     "--category", "产业")["by_unit"]
    for unit, total_yi in (("常熟市", 228.4), ("苏州工业园区", 466.6), ("苏州高新区", 228.8)):
        row = next(u for u in industrial if u["unit"] == unit)
        contracts = b1.filter(project__unit__name=unit, project__category__name="产业")
        assert row["new_signed"]["count"] == contracts.count()
        assert row["new_signed"]["total_yi"] == total_yi
        assert contracts.aggregate(s=Sum("investment"))["s"] == Decimal(str(total_yi)) * 10000


@pytest.mark.parametrize("name", ["镇江市", "苏州市"])
def test_demo_leads_contracts_and_events_by_hand(demo, name):
    c = city(name)
    leads = Lead.objects.filter(city=c)
    assert leads.count() == SIGNINGS[name] + OPEN_LEADS[name]
    open_leads = leads.exclude(stage=LeadStage.SIGNED)
    assert open_leads.count() == OPEN_LEADS[name]
    assert open_leads.filter(stage=LeadStage.ABANDONED).count() == 1
    contracts = Contract.objects.filter(unit__path__startswith=c.path)
    by_kind = dict(contracts.order_by().values_list("kind").annotate(n=Count("id")))
    assert by_kind == {ContractKind.FIRST: SIGNINGS[name], ContractKind.INCREASE: 1}
    # Agreed milestones on every 40th industrial signing, 16 at most: 镇江市 signed 541 industrial projects in
    # 2023–2024 H1 (the lists' new starts by the category drawn), so 14; 苏州市 884, so 16.
    with_terms = contracts.filter(milestones__kind="started")
    assert with_terms.count() == {"镇江市": 14, "苏州市": 16}[name]
    assert not contracts.exclude(pk__in=with_terms).filter(milestones__isnull=False).exists()
    # Contracts signed at an event are exactly the signed leads that came from an event.
    at_event = contracts.filter(event__isnull=False)
    assert at_event.exists()
    assert set(at_event.values_list("lead_id", flat=True)) == set(
        leads.filter(stage=LeadStage.SIGNED, source=LeadSource.EVENT).values_list("id", flat=True))
    assert all(ev.date <= s for ev, s in ((k.event, k.signed_on) for k in at_event.select_related("event")))
    # Some leads are followed by a city leader, and two of the city's four events were led by one.
    assert leads.exclude(city_leader="").exists() and leads.filter(city_leader="").exists()
    events = AttractionEvent.objects.filter(city=c)
    assert events.count() == 4 and events.exclude(leader="").count() == 2
