"""The dashboard's 分行业领域 panel (issue 20) on tests/indicators/helpers.issue20_data, through 2024-06: each
row's numbers equal the list they open (the Checker), and by hand:
    交通 2 projects, plan 3000 → 0.3 亿元, completed 1400 → 0.1, 46.7%, 欠 3.3 个百分点;
    能源 1, 0.1, 0.0, 0.0%; 未标注 (p4) 1, 0.0 (400 万元), 0.0 (300 万元), 75.0%."""

import re

import pytest

from tests import factories as f
from tests.indicators.helpers import issue20_data, make_town
from tuijin.accounts.models import Role

from .checks import Checker, figures_on_page

pytestmark = pytest.mark.django_db


def test_sector_panel_rows_equal_their_lists(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    town = issue20_data(make_town())
    admin = f.user("i20_dash", town.city, Role.CITY_ADMIN)
    client.force_login(admin)
    page = client.get("/dashboard/?through=2024-06").content.decode()
    assert 'id="sectors-table"' in page
    panel = page[page.index('id="sectors-table"') :]
    panel = panel[: panel.index("</table>")]
    labels = re.findall(r'<th scope="row">([^<]+)</th>', panel)
    assert labels == ["交通", "能源", "未标注"]
    figures = [x for x in figures_on_page(panel) if "sector=" in x[1]]
    assert len(figures) == 15  # 3 rows × 5 figures, each linked
    assert Checker(admin).mismatches(figures) == []
    row = panel[panel.index("交通") : panel.index("能源")]
    assert ">0.3<" in row and ">0.1<" in row and ">46.7%<" in row and "3.3 个百分点" in row
    unmarked = panel[panel.index("未标注") :]
    assert ">75.0%<" in unmarked
