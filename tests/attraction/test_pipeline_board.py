"""The 招商 board as a city meets it: the 新增线索 form at the top with no choice made for the user, each column
summarised (count, 意向投资 in 亿元, the newest 8 cards with their amount) and opened in full on demand."""

from tests import factories as f
from tests.attraction.conftest import D, lead
from tuijin.accounts.models import Role
from tuijin.attraction.models import Lead


def test_a_long_column_shows_its_newest_cards_its_total_and_a_link_to_all(client, town):
    # Ten leads of 1000, 2000, … 10000 万元 on 1-10 February: 55000 万元 = 5.5 亿元 (the city's one decimal).
    for i in range(1, 11):
        lead(town.jia, title=f"线索{i:02d}", amount=1000 * i, when=D(2024, 2, i))
    client.force_login(f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN))
    page = client.get("/attraction/").content.decode()
    column = page[page.index('data-stage="lead"'):page.index("</section>", page.index('data-stage="lead"'))]
    assert '<span class="count">10</span>' in column and "意向投资 5.5 亿元" in column
    shown = [f"线索{i:02d}" for i in range(1, 11) if f"线索{i:02d}" in column]
    assert shown == [f"线索{i:02d}" for i in range(3, 11)]  # the newest 8
    assert "1.0 亿元" in column  # 线索10: 10000 万元
    assert 'href="?stage=lead"' in column and "全部 10 条 (另 2 条)" in column
    full = client.get("/attraction/?stage=lead").content.decode()
    assert all(f"线索{i:02d}" in full for i in range(1, 11)) and 'data-stage="signed"' not in full
    # The form comes before the board.
    assert page.index('id="lead-new"') < page.index('id="pipeline"')


def test_the_new_lead_form_preselects_no_investor_kind_and_requires_one(client, town):
    client.force_login(f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN))
    page = client.get("/attraction/").content.decode()
    select = page[page.index('name="investor_kind"'):page.index("</select>", page.index('name="investor_kind"'))]
    assert '<option value="" selected>— 请选择 —</option>' in select and "selected" not in select.split("</option>", 1)[1]
    data = {"title": "新线索", "investor": "某公司", "source": "visit", "intended_investment": "500",
            "stage_date": "2024-03-01"}
    client.post("/attraction/leads/new/", data)
    assert not Lead.objects.filter(title="新线索").exists()
    client.post("/attraction/leads/new/", {**data, "investor_kind": "private"})
    assert Lead.objects.get(title="新线索").investor_kind == "private"
