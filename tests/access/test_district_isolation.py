"""A district user's project list, totals, overview figures, search and exports hold no project of another
district: every figure is computed over the scoped set only."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tuijin.core.periods import Period
from tuijin.indicators.engine import compute
from tuijin.indicators.present import present
from tuijin.indicators.scope import Scope

OTHERS = ("rz", "sz", "hz")


def names_absent(world, text: str, places=OTHERS):
    for key in places:
        p = world.project(key)
        assert p.name not in text and p.code not in text, f"{p.name} leaked"


def test_project_list_and_its_totals(world, client):
    client.force_login(world.users["district_admin"])
    response = client.get("/projects/")
    assert response.status_code == 200
    text = response.content.decode()
    assert world.project("jk").name in text
    names_absent(world, text)
    summary = response.context["summary"]
    assert summary["count"] == 1 and summary["total_wan"] == world.project("jk").total_investment


@pytest.mark.parametrize("query", ["q=润州", "q=项目", "q=2023", "stage=planning", "year=2024"])
def test_search_and_filters_never_reach_another_district(world, client, query):
    client.force_login(world.users["district_admin"])
    response = client.get(f"/projects/?{query}")
    assert response.status_code == 200
    names_absent(world, response.content.decode())
    assert response.context["summary"]["count"] <= 1


def test_filtering_by_another_district_is_refused(world, client):
    client.force_login(world.users["district_admin"])
    response = client.get(f"/projects/?unit={world.units['rz'].pk}")
    assert response.status_code == 400
    names_absent(world, response.content.decode())


def test_drop_downs_offer_only_the_users_units(world, client):
    client.force_login(world.users["district_admin"])
    for url in ("/projects/", "/projects/new/", "/overview/"):
        text = client.get(url).content.decode()
        assert "润州区" not in text and "姑苏区" not in text and "西湖区" not in text, url


def test_overview_figures_are_the_districts_own(world, client):
    client.force_login(world.users["district_admin"])
    response = client.get("/overview/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "京口区" in text and "润州区" not in text
    names_absent(world, text)
    shown = response.context["overview"].data
    zj, jk = world.units["zhenjiang"], world.units["jk"]
    own = present(compute(Scope(zj, jk), Period.year_to_date(2024, 2)))
    for key in ("projects", "annual_plan_yi", "completed_yi", "completion_rate_pct"):
        assert shown[key] == own[key], key
    assert shown["projects"] == 1
    # The city administrator's overview holds both districts: the figures differ, so the test can tell.
    client.force_login(world.users["city_admin"])
    city = client.get("/overview/").context["overview"].data
    assert city["projects"] == 2 and city["annual_plan_yi"] != shown["annual_plan_yi"]


def test_overview_of_another_city_is_refused(world, client):
    client.force_login(world.users["district_admin"])
    response = client.get(f"/overview/?city={world.units['suzhou'].pk}")
    assert response.status_code in (400, 404)
    names_absent(world, response.content.decode())


@pytest.mark.parametrize("role", ["reporter", "department"])
def test_overview_of_a_reporter_or_department_counts_only_its_projects(world, client, role):
    client.force_login(world.users[role])
    response = client.get("/overview/")
    assert response.status_code == 200
    names_absent(world, response.content.decode())
    assert "润州区" not in response.content.decode()
    assert response.context["overview"].data["projects"] == 1


@pytest.fixture
def export(capsys):
    """Run `tuijin export progress … --format csv` and return what it wrote (it streams to sys.stdout)."""
    def run(*args) -> str:
        capsys.readouterr()
        out = io.StringIO()
        call_command("export", "progress", "--through", "2024-02", "--format", "csv", *args, stdout=out)
        return out.getvalue() + capsys.readouterr().out
    return run


def test_export_as_a_district_user_holds_only_its_projects(world, export):
    text = export("--city", "镇江市", "--unit", "京口区", "--as", "jk_admin")
    assert world.project("jk").name in text
    names_absent(world, text)
    assert world.project("rz").name in export("--city", "镇江市", "--as", "zj_admin")


def test_export_as_a_reporter_holds_only_its_projects(world, export):
    text = export("--city", "镇江市", "--as", "jk_reporter")
    assert world.project("jk").name in text
    names_absent(world, text)


def test_export_of_the_whole_city_as_a_district_user_is_refused_cleanly(world, export):
    """Asking for the city as a district user must not export the city (nor end in a traceback)."""
    try:
        text = export("--city", "镇江市", "--as", "jk_admin")
    except CommandError as exc:
        assert exc.returncode == 2 and "权限" in str(exc)
    else:
        names_absent(world, text)
