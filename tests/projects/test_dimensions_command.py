"""tuijin dimensions: a city's 行业领域 listed and added through the same service as the page (audited; a bad code
or a duplicate refused in one line with nothing written; a city administrator of another city refused)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import factories
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.projects.models import Sector

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("dimensions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def city():
    city, _ = factories.city_tree("维度市", ("甲区",))
    Sector.objects.get_or_create(city=city, code="transport", defaults={"name": "交通", "sort_order": 1})
    return city


def test_values_are_added_in_order_and_audited(city):
    out = run("--city", "维度市", "--add", "tourism=文化旅游", "health=卫生健康")
    assert "已新增行业领域 2 项" in out and "tourism" in out and "卫生健康" in out
    added = list(Sector.objects.filter(city=city, code__in=["tourism", "health"]).order_by("sort_order"))
    assert [s.name for s in added] == ["文化旅游", "卫生健康"]
    assert added[0].sort_order > Sector.objects.get(city=city, code="transport").sort_order
    assert AuditEntry.objects.filter(model="projects.Sector", action="create").count() == 2


@pytest.mark.parametrize("value, words", [("文化旅游", "代码=名称"), ("bad code=文旅", "代码应为"),
                                          ("transport=交通运输", "已有代码为 transport")])
def test_bad_values_are_refused_with_nothing_written(city, value, words):
    before = Sector.objects.count()
    with pytest.raises(CommandError) as caught:
        run("--city", "维度市", "--add", "fine=可以", value)  # the good value before it is not written either
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert Sector.objects.count() == before


def test_another_citys_administrator_is_refused(city):
    other, _ = factories.city_tree("他市", ("丙区",))
    factories.user("other_admin", other, Role.CITY_ADMIN)
    with pytest.raises(CommandError) as caught:
        run("--city", "维度市", "--add", "x1=某领域", "--as", "other_admin")
    assert "市管理员" in str(caught.value) or "权限" in str(caught.value)
    assert not Sector.objects.filter(code="x1").exists()
