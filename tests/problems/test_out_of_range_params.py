"""Ids, years and months out of range in a URL, a query string or a posted form answer 400/404, never 500
(issue 15 item 5). Bigint overflow differs between SQLite (OverflowError) and PostgreSQL (out of range)."""

import pytest

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"  # > 2^64
JUST_OVER = str(2**63)


@pytest.fixture
def client_admin(client, world):
    client.raise_request_exception = False
    client.force_login(world.admin)
    return client


@pytest.mark.parametrize("value", ["abc", HUGE, JUST_OVER, "-1", "0", "１２"])
def test_raise_problem_with_a_bad_report_id_is_404(world, client_admin, value):
    r = client_admin.get(f"/problems/new/{world.project.pk}/", {"report": value})
    assert r.status_code == 404


@pytest.mark.parametrize("value", [HUGE, JUST_OVER, "abc"])
def test_problem_list_with_a_bad_category_is_404(world, client_admin, value):
    assert client_admin.get("/problems/", {"category": value}).status_code == 404


def test_problem_list_with_a_good_category_still_filters(world, client_admin):
    assert client_admin.get("/problems/", {"category": str(world.category().pk)}).status_code == 200


@pytest.mark.parametrize("value", [HUGE, JUST_OVER])
def test_notifications_read_with_an_id_too_large_is_not_a_500(world, client_admin, value):
    r = client_admin.post("/problems/notifications/read/", {"id": [value, "1"]})
    assert r.status_code == 302


@pytest.mark.parametrize("url", [f"/problems/{HUGE}/", f"/problems/{JUST_OVER}/", f"/problems/new/{HUGE}/",
                                 f"/problems/attachments/{JUST_OVER}/", f"/projects/{JUST_OVER}/"])
def test_url_ids_out_of_range_are_404(world, client_admin, url):
    assert client_admin.get(url).status_code == 404
