"""The demo's 审批要件: registered through dossier.services for the first signed projects of each city, dated from
the project's own signing and start, never in the future; the dossier of a demo project reads its figures."""

import pytest
from django.utils import timezone

from tuijin.audit.models import AuditEntry
from tuijin.dossier.demo import PER_CITY
from tuijin.dossier.models import ApprovalDocument
from tuijin.projects.models import Stage, StageEvent

pytestmark = [pytest.mark.demo, pytest.mark.django_db]


def test_the_demo_registers_approvals_through_the_service(demo):
    from tuijin.orgs.selectors import city_by_name

    docs = list(ApprovalDocument.objects.select_related("project__unit"))
    assert docs and all(d.issued_on <= timezone.localdate() for d in docs)
    for name in ("镇江市", "苏州市"):
        city = city_by_name(name)
        projects = {d.project_id for d in docs if d.project.unit.path.startswith(city.path)}
        assert 0 < len(projects) <= PER_CITY
    signed = dict(
        StageEvent.objects.filter(
            stage=Stage.SIGNED, project__in={d.project_id for d in docs}
        ).values_list("project_id", "date")
    )
    assert all(d.issued_on >= signed[d.project_id] for d in docs)
    started = set(
        StageEvent.objects.filter(stage=Stage.STARTED).values_list("project_id", flat=True)
    )
    assert all(d.project_id in started for d in docs if d.item == "permit")
    assert AuditEntry.objects.filter(
        model="dossier.ApprovalDocument", action="create"
    ).count() == len(docs)


def test_a_demo_projects_dossier(demo):
    from tuijin.accounts.models import User
    from tuijin.dossier.selectors import dossier

    leader = User.objects.get(username="zj_leader")
    project = (
        ApprovalDocument.objects.filter(project__unit__path__startswith=leader.unit.path)
        .first()
        .project
    )
    d = dossier(leader, project)
    assert d.approvals and d.timeline
    if d.chart and d.chart["through"]:
        assert d.figures["completed_yi"] is not None
