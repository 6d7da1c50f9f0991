"""tuijin city create: a city (and its province when new) with its tree path, depth and default conventions;
duplicates and bad region codes refused in one line with nothing written; only the operator creates cities;
the Django admin can no longer add or change org units or conventions."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.orgs.models import Conventions, OrgUnit, UnitKind
from tuijin.orgs.services import create_city

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("city", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    before = (OrgUnit.objects.count(), Conventions.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert exc.value.returncode == 2
    assert (
        OrgUnit.objects.count(),
        Conventions.objects.count(),
        AuditEntry.objects.count(),
    ) == before
    message = str(exc.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_create_city_with_a_new_province():
    text = run("create", "镇江市", "--province", "江苏省", "--region-code", "321100")
    province = OrgUnit.objects.get(name="江苏省")
    city = OrgUnit.objects.get(name="镇江市")
    assert (province.kind, province.parent_id, province.path, province.depth) == (
        UnitKind.PROVINCE,
        None,
        f"/{province.pk}/",
        0,
    )
    assert province.region_code == "320000"
    assert (city.kind, city.parent_id, city.path, city.depth) == (
        UnitKind.CITY,
        province.pk,
        f"/{province.pk}/{city.pk}/",
        1,
    )
    assert city.region_code == "321100"
    conv = Conventions.objects.get(unit=city)
    assert conv.year == 2000  # the initial row: every year until one is changed
    assert (
        conv.rate_places,
        conv.amount_places,
        conv.rounding,
        conv.wording,
        conv.schedule_curve,
    ) == (1, 1, "half_up", "schedule", [])
    assert "已新建城市: 江苏省 镇江市" in text
    audited = set(AuditEntry.objects.values_list("model", "object_id", "actor_name"))
    assert audited == {
        ("orgs.OrgUnit", str(province.pk), "运维命令行"),
        ("orgs.OrgUnit", str(city.pk), "运维命令行"),
        ("orgs.Conventions", str(conv.pk), "运维命令行"),
    }


def test_create_city_in_an_existing_province():
    run("create", "镇江市", "--province", "江苏省")
    run("create", "常州市", "--province", "江苏省", "--region-code", "320400")
    province = OrgUnit.objects.get(name="江苏省")
    assert OrgUnit.objects.filter(kind=UnitKind.PROVINCE).count() == 1
    city = OrgUnit.objects.get(name="常州市")
    assert city.path == f"/{province.pk}/{city.pk}/" and city.depth == 1
    assert sorted(OrgUnit.objects.subtree(province).cities().values_list("name", flat=True)) == [
        "常州市",
        "镇江市",
    ]


def test_a_city_without_a_province_is_a_root():
    run("create", "独立市")
    city = OrgUnit.objects.get(name="独立市")
    assert (city.parent_id, city.path, city.depth) == (None, f"/{city.pk}/", 0)


def test_duplicate_city_refused():
    run("create", "镇江市", "--province", "江苏省")
    assert refused("create", "镇江市", "--province", "江苏省") == "城市已存在: 镇江市"
    assert refused("create", "镇江市") == "城市已存在: 镇江市"


@pytest.mark.parametrize("code", ["32110", "3211000", "32110x", "３２１１００"])
def test_bad_region_code_refused(code):
    assert refused("create", "镇江市", "--province", "江苏省", "--region-code", code) == (
        f"行政区划代码须为 6 位数字: {code!r}"
    )
    assert not OrgUnit.objects.filter(name__in=["镇江市", "江苏省"]).exists()


def test_region_code_of_another_city_refused():
    run("create", "镇江市", "--province", "江苏省", "--region-code", "321100")
    assert refused("create", "常州市", "--province", "江苏省", "--region-code", "321100") == (
        "行政区划代码 321100 已属于 镇江市"
    )


def test_a_city_administrator_cannot_create_cities():
    city, _ = factories.city_tree()
    admin = factories.user("c_admin", city, Role.CITY_ADMIN)
    before = OrgUnit.objects.count()
    with pytest.raises(PermissionDenied):
        create_city(name="新市", province="测试省", actor=admin)
    assert OrgUnit.objects.count() == before


# ---------------------------------------------------------------- the Django admin is read-only here


@pytest.fixture
def superuser_client(client):
    from tuijin.accounts.models import User

    su = User.objects.create_superuser("root_admin", password="Tuijin-test-2024!")
    client.force_login(su)
    return client


def test_the_admin_cannot_add_an_org_unit(superuser_client):
    city, _ = factories.city_tree()
    before = OrgUnit.objects.count()
    assert superuser_client.get("/admin/orgs/orgunit/add/").status_code == 403
    response = superuser_client.post("/admin/orgs/orgunit/add/", {"name": "后门市", "kind": "city"})
    assert response.status_code == 403
    assert OrgUnit.objects.count() == before
    # Viewable, not editable: the change page shows no save button and a POST changes nothing.
    page = superuser_client.get(f"/admin/orgs/orgunit/{city.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    superuser_client.post(
        f"/admin/orgs/orgunit/{city.pk}/change/", {"name": "改名市", "kind": "city"}
    )
    assert OrgUnit.objects.get(pk=city.pk).name == "测试市"
    assert (
        superuser_client.post(f"/admin/orgs/orgunit/{city.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert OrgUnit.objects.filter(pk=city.pk).exists()


def test_the_admin_cannot_add_or_change_conventions(superuser_client):
    city, _ = factories.city_tree()
    conv = Conventions.objects.get(unit=city)
    assert superuser_client.get("/admin/orgs/conventions/add/").status_code == 403
    superuser_client.post(
        f"/admin/orgs/conventions/{conv.pk}/change/",
        {"unit": city.pk, "year": conv.year, "rate_places": 3},
    )
    assert Conventions.objects.get(pk=conv.pk).rate_places == 1


# ---------------------------------------------------------------- the operator's page (新建城市)


def test_the_operator_creates_a_city_on_the_page_through_the_same_service(superuser_client):
    response = superuser_client.post("/setup/cities/new/", {"name": "青禾市", "province": "云岭省",
                                                            "region_code": "530900"}, follow=True)
    assert "已新建城市 青禾市" in response.content.decode()
    city = OrgUnit.objects.get(name="青禾市", kind=UnitKind.CITY)
    assert city.parent.name == "云岭省" and city.path == f"/{city.parent.pk}/{city.pk}/"
    assert Conventions.objects.filter(unit=city).count() == 1
    assert AuditEntry.objects.filter(model="orgs.OrgUnit", object_id=str(city.pk), action="create").exists()
    again = superuser_client.post("/setup/cities/new/", {"name": "青禾市", "province": "云岭省"})
    assert again.status_code == 200 and "城市已存在: 青禾市" in again.content.decode()
    assert OrgUnit.objects.filter(name="青禾市").count() == 1
    bad = superuser_client.post("/setup/cities/new/", {"name": "禾木市", "region_code": "53A900"})
    assert "行政区划代码须为 6 位数字" in bad.content.decode() and not OrgUnit.objects.filter(name="禾木市").exists()


def test_a_city_administrator_is_refused_the_page(client):
    city, _ = factories.city_tree()
    client.force_login(factories.user("c_admin2", city, Role.CITY_ADMIN))
    assert client.get("/setup/cities/new/").status_code == 403
    assert client.post("/setup/cities/new/", {"name": "新市"}).status_code == 403
    assert not OrgUnit.objects.filter(name="新市").exists()
