"""Cursor pagination: pages follow `next` without gaps or repeats, keep the filters, cap the limit."""

from __future__ import annotations

from tests import factories
from tuijin.api.pagination import MAX_LIMIT, encode_cursor

from .conftest import error_of


def test_pages_follow_next(api, world):
    jia = world.units["jia"]
    made = {factories.project(jia, name=f"分页项目{i}").pk for i in range(5)}
    token = world.tokens["jia_admin"]
    seen, url, pages = [], "projects?limit=3&q=分页", 0
    while url:
        r = api.get(url, token=token)
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["limit"] == 3 and len(body["items"]) <= 3
        seen += [p["id"] for p in body["items"]]
        url = body["next"]
        if url:
            assert url.startswith("http://testserver/api/v1/projects?") and "q=" in url
        pages += 1
    assert pages == 2
    assert seen == sorted(made)


def test_rows_added_meanwhile_are_not_repeated(api, world):
    token = world.tokens["city_admin"]
    r = api.get("projects", {"limit": 2}, token=token)
    first = [p["id"] for p in r.json()["items"]]
    factories.project(world.units["jia"], name="后加的项目")
    rest = []
    url = r.json()["next"]
    while url:
        page = api.get(url, token=token).json()
        rest += [p["id"] for p in page["items"]]
        url = page["next"]
    assert not set(first) & set(rest)
    assert len(first) + len(rest) == 4  # 3 of the world + the new one


def test_limit_is_capped(api, world):
    r = api.get("units", {"limit": 100000}, token=world.tokens["city_admin"])
    assert r.status_code == 200
    assert r.json()["limit"] == MAX_LIMIT
    assert api.get("units", {"limit": 0}, token=world.tokens["city_admin"]).status_code == 422


def test_bad_cursor_is_422(api, world):
    for cursor in ("not-a-cursor", "!!!", encode_cursor(5)[:-1] + "*", "aWQ6LTE"):  # the last: "id:-1"
        r = api.get("projects", {"cursor": cursor}, token=world.tokens["city_admin"])
        assert r.status_code == 422, cursor
        assert error_of(r)["field"] == "cursor"


def test_a_cursor_never_widens_the_scope(api, world):
    r = api.get("projects", {"cursor": encode_cursor(0), "limit": 200}, token=world.tokens["jia_admin"])
    assert {p["unit"] for p in r.json()["items"]} == {"甲区"}
