"""The problems demo on a hand-made city (every category and state, some overdue and escalated, one weekly
meeting with minutes), and the pages answering each role."""

import datetime

import pytest

from tests import factories as f
from tuijin.problems.demo import build_problems_demo
from tuijin.problems.models import Level, Meeting, Notification, Problem, ProblemCategory, Status

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 6, 12)


@pytest.fixture
def demo(world):
    f.project(world.other_city.children.first(), name="外市项目")
    return build_problems_demo(zhenjiang=world.city, suzhou=world.other_city, today=TODAY)


def test_demo_covers_every_category_and_state(world, demo):
    for city in (world.city, world.other_city):
        qs = Problem.objects.filter(project__unit__path__startswith=city.path)
        assert set(qs.values_list("category__name", flat=True)) == set(
            ProblemCategory.objects.values_list("name", flat=True))
        assert set(qs.values_list("status", flat=True)) == set(Status.values)
        assert any(p.is_overdue(TODAY) for p in qs)
    assert Problem.objects.filter(level=Level.LEADER, leader=world.leader).exists()
    weekly = Meeting.objects.get(city=world.city, kind="weekly")
    assert weekly.minutes and weekly.decisions.exists()
    assert Meeting.objects.filter(city=world.city, kind="joint").exists()
    assert Notification.objects.filter(recipient=world.dept).exists()


def test_pages(world, demo, client):
    p = Problem.objects.filter(project__unit__path__startswith=world.city.path, status="raised").first()
    meeting = Meeting.objects.filter(city=world.city).first()
    pages = ["/problems/", f"/problems/{p.pk}/", "/problems/department/", "/problems/supervision/",
             "/problems/notifications/", f"/problems/weekly/?week={TODAY}", f"/problems/weekly/agenda.docx?week={TODAY}",
             "/problems/meetings/", f"/problems/meetings/{meeting.pk}/", f"/problems/meetings/{meeting.pk}/minutes.docx"]
    for user in (world.admin, world.leader, world.district, world.dept):
        client.force_login(user)
        for url in pages:
            r = client.get(url)
            if url == f"/problems/{p.pk}/" and user == world.dept:
                assert r.status_code in (200, 404), url
                continue
            assert r.status_code == 200, (user.username, url, r.status_code)
    client.force_login(world.admin)
    assert client.get("/problems/joint/new/").status_code == 200
    assert client.get(f"/problems/new/{world.project.pk}/").status_code == 200
    page = client.get(f"/problems/{p.pk}/").content.decode()
    assert "交办" in page
    client.force_login(world.outsider)
    assert client.get(f"/problems/{p.pk}/").status_code == 404
    client.force_login(world.leader)
    assert client.get("/problems/joint/new/").status_code == 403
    r = client.post(f"/problems/{p.pk}/assign/", {"lead_department": world.land_bureau.pk, "deadline": "2099-01-01"})
    assert r.status_code == 403
    p.refresh_from_db()
    assert p.status == "raised"
    # the header include and the countdown include render
    from django.template import Context, Template

    from tuijin.problems.models import Notification

    # Opening the notifications page above marked them read; one more arrives, and the badge counts it.
    latest = Notification.objects.filter(recipient=world.dept).latest("pk")
    Notification.objects.filter(pk=latest.pk).update(read_at=None)
    html = Template('{% include "problems/_notification_badge.html" %}').render(Context({"user": world.dept}))
    assert "通知" in html and "unread-count" in html
    from django.utils import timezone

    signed = f.project(world.jia, stages={"signed": timezone.localdate() - datetime.timedelta(days=10)})
    html = Template('{% include "problems/_start_countdown.html" %}').render(Context({"project": signed}))
    assert "百日开工" in html and "签约 10 天, 剩余 90 天" in html
