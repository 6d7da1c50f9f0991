"""The audit page shows every model's changes: Chinese field labels (reverse relations and keys that are no
field included), choices and foreign keys by name, and times in the city's time zone (Asia/Shanghai)."""

import datetime
import re

import pytest
from django.apps import apps
from django.utils import timezone

from tuijin.audit.models import AuditEntry
from tuijin.livelihood import services as livelihood
from tuijin.livelihood.models import ItemReport, ReportStatus
from tuijin.web.audit_selectors import describe, model_label

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def filed(world):
    """A livelihood monthly report filed (and then corrected) through its service by the item's district admin."""
    item = world.places["jk"].item
    admin = world.users["district_admin"]
    today = datetime.date(2025, 3, 1)
    livelihood.save_progress(item=item, year=2024, month=3, done=40, progress_text="+1+1 已完成四十个",
                             status=ReportStatus.SUBMITTED, actor=admin, today=today)
    livelihood.save_progress(item=item, year=2024, month=3, done=45, progress_text="已完成四十五个",
                             status=ReportStatus.SUBMITTED, actor=admin, today=today, reason="补报")
    return world


@pytest.mark.parametrize("query", [{}, {"model": "livelihood.ItemReport"}])
def test_the_page_after_a_livelihood_report(filed, client, query):
    client.force_login(filed.users["city_admin"])
    response = client.get("/audit/", query)
    assert response.status_code == 200
    text = response.content.decode()
    entry = AuditEntry.objects.filter(model="livelihood.ItemReport").latest("id")
    local = timezone.localtime(entry.at)
    assert local.utcoffset() == datetime.timedelta(hours=8)
    assert f"{local:%Y-%m-%d %H:%M:%S}" in text
    # Field labels in Chinese, the reverse relation (累计完成 per 事项) included; the model by its Chinese name.
    assert "形象进度" in text or "进展情况" in text
    assert "累计完成" in text and "民生实事月度进展" in text
    assert ">progress<" not in text and "ManyToOneRel" not in text
    # Times inside the changes are local too, never ISO UTC.
    submitted = timezone.localtime(ItemReport.objects.get(item=filed.places["jk"].item, month=3).submitted_at)
    assert f"{submitted:%Y-%m-%d %H:%M:%S}" in text
    assert "+00:00" not in text


def _sample(field):
    if field.many_to_many or field.one_to_many:
        return [1]
    internal = field.get_internal_type() if hasattr(field, "get_internal_type") else ""
    if internal == "DateTimeField":
        return "2024-05-03T02:00:00+00:00"
    if internal == "DateField":
        return "2024-05-03"
    if internal == "JSONField":
        return {"1": {"done": "3", "delivered": [1]}}
    return 1


@pytest.mark.django_db
def test_every_model_describes_without_error():
    """Every model, each of its fields, reverse relations and a key that is no field: described, no error; the
    project's own models carry Chinese labels for their fields and their names."""
    entries = []
    for model in apps.get_models():
        fields = model._meta.get_fields(include_hidden=True)
        after = {f.name: _sample(f) for f in fields}
        after["no_such_field"] = "x"
        before = {f.name: None for f in fields}
        for action in ("create", "update"):
            entries.append(AuditEntry(model=model._meta.label, object_id="1", object_repr="x", action=action,
                                      before=before if action == "update" else None, after=after,
                                      at=timezone.now()))
    entries.append(AuditEntry(model="gone.Model", object_id="1", object_repr="x", action="update",
                              before={"a": 1}, after={"a": 2}, at=timezone.now()))
    rows = describe(entries)
    assert len(rows) == len(entries)
    for entry, changes in rows:
        if not entry.model.startswith("gone"):
            assert changes
        for c in changes:
            assert isinstance(c.label, str) and c.label
            assert not (isinstance(c.after, str) and c.after.endswith("+00:00")), (entry.model, c.field)
        model = apps.get_model(entry.model) if not entry.model.startswith("gone") else None
        if model is not None and model.__module__.startswith("tuijin."):
            assert CJK.search(model_label(entry.model)), entry.model
            for c in changes:
                if c.field != "no_such_field":
                    assert CJK.search(c.label), (entry.model, c.field, c.label)


@pytest.mark.django_db
def test_livelihood_reports_are_a_filter_choice_before_any_is_filed():
    from tuijin.web.audit_selectors import AuditFilters, model_choices

    assert AuditFilters.parse({"model": "livelihood.ItemReport"}).model == "livelihood.ItemReport"
    assert ("livelihood.ItemReport", "民生实事月度进展") in model_choices()
