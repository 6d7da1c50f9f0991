"""The bulletin page (text, copy button, downloads), the city administrator's template editor (audited), the
settings, and the OC4IDS download; what other roles may and may not do there."""

import io
import json
from decimal import Decimal

import pytest

from tests import factories
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.audit.models import AuditEntry
from tuijin.bulletins import services
from tuijin.bulletins.generator import generate
from tuijin.bulletins.models import SentenceTemplate
from tuijin.bulletins.selectors import effective_templates
from tuijin.core.errors import InputError
from tuijin.core.periods import Period

MAY = Period.year_to_date(2024, 5)
FAST = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(town, settings):
    settings.PASSWORD_HASHERS = FAST
    return {
        "admin": factories.user("t_admin", town.city, Role.CITY_ADMIN),
        "leader": factories.user("t_leader", town.city, Role.CITY_LEADER),
        "district": factories.user("t_district", town.units["乙区"], Role.DISTRICT_ADMIN),
    }


def page(client, user, url="/bulletins/", **params):
    client.force_login(user)
    return client.get(url, params)


# ---------------------------------------------------------------- services


def test_a_city_override_changes_the_sentence_and_is_audited(town, people):
    services.save_template(city=town.city, key="list.starts", actor=people["admin"], reason="改用简短说法",
                           text="{list_name}已开工{planned_new_starts_started}个（计划{planned_new_starts}个）。")
    texts = [s.text for s in generate(town.city, MAY).sentences if s.key == "list.starts"]
    assert texts == ["省重大项目已开工1个（计划1个）。"]
    entry = AuditEntry.objects.filter(model="bulletins.SentenceTemplate").latest("id")
    assert entry.actor == people["admin"] and entry.reason == "改用简短说法" and entry.action == "create"
    assert entry.after["text"].startswith("{list_name}已开工")
    # other cities keep the default
    other, _ = factories.city_tree("别市", ("丙区",))
    assert next(t for t in effective_templates(other) if t.key == "list.starts").overridden is False
    # reset: back to the default, audited as a deletion
    assert services.reset_template(city=town.city, key="list.starts", actor=people["admin"])
    assert AuditEntry.objects.filter(model="bulletins.SentenceTemplate", action="delete").count() == 1
    assert [s.text for s in generate(town.city, MAY).sentences if s.key == "list.starts"] == \
        ["省重大项目计划新开工1个，已开工1个，开工率100.0%。"]


def test_a_disabled_sentence_is_left_out(town, people):
    row = next(t for t in effective_templates(town.city) if t.key == "ranking.completion")
    services.save_template(city=town.city, key="ranking.completion", text=row.text, enabled=False,
                           actor=people["admin"])
    assert "ranking.completion" not in {s.key for s in generate(town.city, MAY).sentences}


def test_a_new_sentence_of_the_city_own(town, people):
    services.save_template(city=town.city, key="overview.share", section="overview", order=25,
                           text="序时进度为{schedule_share_pct}%。", actor=people["admin"])
    keys = [s.key for s in generate(town.city, MAY).sentences if s.section == "overview"]
    assert keys == ["overview.plan", "overview.investment", "overview.share", "overview.starts"]
    assert next(s.text for s in generate(town.city, MAY).sentences if s.key == "overview.share") == "序时进度为41.7%。"


@pytest.mark.parametrize("kwargs, message", [
    ({"key": "list.starts", "text": "{nonexistent}个"}, "nonexistent"),
    ({"key": "list.starts", "text": "[{list_name}"}, "没有对应"),
    ({"key": "brand.new", "text": "{period}"}, "段落"),
    ({"key": "Bad Key", "text": "{period}", "section": "overview"}, "句式键"),
    ({"key": "list.starts", "text": "{list_name}", "order": "x"}, "顺序"),
])
def test_bad_template_edits_are_refused(town, people, kwargs, message):
    with pytest.raises(InputError) as exc:
        services.save_template(city=town.city, actor=people["admin"], **kwargs)
    assert message in exc.value.text
    assert not SentenceTemplate.objects.filter(city=town.city).exists()


def test_settings_threshold_category_lists(town, people):
    from tuijin.projects.models import Category

    services.save_config(city=town.city, actor=people["admin"], threshold_wan=Decimal(5000),
                         signing_category=Category.objects.get(name="基础设施"), include_chains=False,
                         lists=[town.lists["省重大项目"]])
    texts = {s.key: s.text for s in generate(town.city, MAY).sentences}
    # ≥ 5000 万元 基础设施 signed: S4 (30000) only; all categories ≥ 5000: S1 S2 S3 S4
    assert texts["events.signed"] == "1-5月，全市新签约5000万元以上基础设施项目1个，计划总投资3.0亿元。"
    assert texts["events.all"] == "1-5月，全市5000万元以上项目新签约4个、新开工1个。"
    assert "chains.clusters" not in texts
    assert AuditEntry.objects.filter(model="bulletins.BulletinConfig").count() == 1
    other, _ = factories.city_tree("别市", ("丙区",))
    with pytest.raises(InputError):
        services.save_config(city=town.city, lists=[factories.annual_list(other, "别市清单")], actor=SYSTEM)


# ---------------------------------------------------------------- pages


def test_the_bulletin_page_has_the_text_a_copy_button_and_downloads(client, people):
    r = page(client, people["leader"], through="2024-05")
    assert r.status_code == 200
    html = r.content.decode()
    assert "1-5月，2个省重大项目完成投资0.8亿元，完成年度投资计划的46.9%，超序时5.2个百分点。" in html
    assert 'data-copy="#bulletin-text"' in html and "bulletins/bulletin.js" in html
    assert "<script>" not in html.replace('<script src=', '')  # no inline script (CSP)
    assert "format=docx" in html and "编辑句式" not in html  # a leader does not edit templates


def test_downloads(client, people):
    client.force_login(people["leader"])
    params = {"through": "2024-05"}
    r = client.get("/bulletins/download/", {**params, "format": "docx"})
    assert r.status_code == 200 and "wordprocessingml" in r["Content-Type"]
    import docx

    assert docx.Document(io.BytesIO(r.content)).paragraphs[0].text == "测试市重大项目推进情况通报"
    r = client.get("/bulletins/download/", {**params, "format": "json"})
    assert json.loads(r.content)["sentences"][0]["key"] == "overview.plan"
    assert client.get("/bulletins/download/", {**params, "format": "exe"}).status_code == 400
    assert client.get("/bulletins/download/", {"through": "2024-13", "format": "json"}).status_code == 400


def test_pdf_download(client, people, fake_soffice):
    """The download's plumbing (LibreOffice's own conversion: tests/bulletins/test_print.py, slow lane)."""
    client.force_login(people["leader"])
    r = client.get("/bulletins/download/", {"through": "2024-05", "format": "pdf"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_a_district_sees_its_own_bulletin_only(client, people, town):
    r = page(client, people["district"], through="2024-05")
    assert r.status_code == 200
    html = r.content.decode()
    assert "乙区重大项目推进情况通报" in html and "甲区项目一" not in html and "甲区（" not in html
    r = page(client, people["district"], through="2024-05", unit=town.units["甲区"].pk)
    assert r.status_code == 400  # not a choice it is offered


def test_the_template_editor_is_the_city_administrators(client, people, town):
    assert page(client, people["leader"], "/bulletins/templates/").status_code == 403
    assert page(client, people["district"], "/bulletins/templates/").status_code == 403
    r = page(client, people["admin"], "/bulletins/templates/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "list.investment" in html and "{completed_yi}" in html
    r = client.post("/bulletins/templates/", {"action": "save", "key": "overview.plan", "order": "10",
                                              "enabled": "on", "reason": "测试", "text": "{period}共{projects}个项目。"})
    assert r.status_code == 302
    assert next(s.text for s in generate(town.city, MAY).sentences if s.key == "overview.plan") == "1-5月共3个项目。"
    r = client.post("/bulletins/templates/", {"action": "save", "key": "overview.plan", "enabled": "on",
                                              "text": "{period}共{no_such_figure}个项目。"})
    assert r.status_code == 400 and "no_such_figure" in r.content.decode()
    r = client.post("/bulletins/templates/", {"action": "reset", "key": "overview.plan"})
    assert r.status_code == 302 and not SentenceTemplate.objects.filter(city=town.city).exists()
    r = client.post("/bulletins/templates/", {"action": "config", "lagging_limit": "5", "lag_threshold_pp": "2",
                                              "threshold_yi": "2", "include_ranking": "on"})
    assert r.status_code == 302
    from tuijin.bulletins.selectors import bulletin_settings

    s = bulletin_settings(town.city)
    assert (s.threshold_wan, s.lagging_limit, s.include["ranking"], s.include["chains"]) == \
        (Decimal(20000), 5, True, False)


def test_the_oc4ids_download_is_the_city_administrators(client, people, town):
    assert page(client, people["leader"], "/bulletins/oc4ids.json").status_code == 403
    r = page(client, people["admin"], "/bulletins/oc4ids.json")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    package = json.loads(r.content)
    assert package["version"] == "0.9" and len(package["projects"]) == 8
