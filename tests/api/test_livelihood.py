"""Livelihood items (民生实事) through the API: the CLI's JSON, limited to the items in the caller's reach."""

from __future__ import annotations

from tests import factories
from tuijin.accounts.models import Role
from tuijin.livelihood.present import present_status
from tuijin.livelihood.scoping import livelihood_items_for
from tuijin.livelihood.selectors import programme_status

from .conftest import error_of


def test_status_is_the_clis_json(api, world, livelihood_programme):
    user = world.users["city_leader"]
    r = api.get("livelihood/status", {"through": "2024-05"}, token=world.tokens["city_leader"])
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["items"] == 2 and data["through"] == "2024-05"
    assert data == present_status(programme_status(programme=livelihood_programme, month=5, user=user))


def test_status_is_limited_to_the_callers_items(api, world, livelihood_programme):
    r = api.get("livelihood/status", {"through": "2024-05"}, token=world.tokens["jia_admin"])
    assert r.status_code == 200, r.content
    names = [i["name"] for i in r.json()["item_list"]]
    assert names == [i.name for i in livelihood_items_for(world.users["jia_admin"])] == ["甲区口袋公园"]


def test_status_refusals(api, world, livelihood_programme):
    token = world.tokens["city_admin"]
    r = api.get("livelihood/status", {"through": "2023-05"}, token=token)
    assert r.status_code == 422 and error_of(r)["field"] == "through"
    r = api.get("livelihood/status", {"through": "2024-05", "city": "其他市"}, token=token)
    assert r.status_code == 404
    r = api.get("livelihood/status", {"through": "2024-13"}, token=token)
    assert r.status_code == 422 and error_of(r)["field"] == "through"
    # A user who sees none of the programme's items does not see the programme.
    nobody = factories.user("yi_dept_user", world.units["yi"], Role.REPORTER)
    from tuijin.api.services import create_token

    raw = create_token(user=nobody, name="t", days=1, actor=nobody)[1]
    assert api.get("livelihood/status", {"through": "2024-05"}, token=raw).status_code == 404


def test_programmes_list(api, world, livelihood_programme):
    r = api.get("livelihood/programmes", token=world.tokens["department"])
    assert r.status_code == 200
    assert [p["id"] for p in r.json()["items"]] == [livelihood_programme.pk]
    r = api.get("livelihood/programmes", token=world.tokens["other_admin"])
    assert r.json()["items"] == []
