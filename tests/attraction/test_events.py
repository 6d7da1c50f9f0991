"""招商活动 pages and services: create and edit (units limited to the user's reach; a city-level writer names
any unit of its city), the event page listing the leads met and contracts signed there (scoped), the events list
counts per leading official and per unit, and recording on a lead's page that it was met at an event."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.accounts.models import Role
from tuijin.attraction import selectors
from tuijin.attraction.models import AttractionEvent, ContactLog
from tuijin.attraction.services import add_lead_to_event, create_event, sign_lead, update_event
from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError

from .conftest import D, code, lead

PASSWORD = "Tuijin-test-2024!"


@pytest.fixture
def jia_admin(town):
    return f.user("jia_admin", town.jia, Role.DISTRICT_ADMIN, password=PASSWORD)


@pytest.fixture
def city_admin(town):
    return f.user("city_admin", town.city, Role.CITY_ADMIN, password=PASSWORD)


MARCH_5 = D(2024, 3, 5)


def event(town, name, units, leader="", when=MARCH_5, leads=()):
    return create_event(city=town.city, name=name, kind="promotion", date=when, place="上海", leader=leader,
                        units=units, leads=leads, actor=SYSTEM)


FORM = {"name": "深圳招商推介会", "kind": "promotion", "date": "2024-04-18", "place": "深圳", "leader": "市长"}


def test_district_creates_an_event_for_its_own_units_only(client, town, jia_admin):
    client.force_login(jia_admin)
    page = client.get("/attraction/events/new/").content.decode()
    assert f'value="{town.jia.pk}"' in page and f'value="{town.yi.pk}"' not in page  # only 甲区 offered
    # No date: the form says so on the date field, nothing written.
    r = client.post("/attraction/events/new/", {**FORM, "date": "", "units": [town.jia.pk]})
    assert r.status_code == 400 and "这个字段是必填项。" in r.content.decode()
    # 乙区 posted anyway: refused by the service, naming the unit.
    r = client.post("/attraction/events/new/", {**FORM, "units": [town.jia.pk, town.yi.pk]})
    assert r.status_code == 400 and "参加单位 乙区 不在您的权限范围内" in r.content.decode()
    r = client.post("/attraction/events/new/", {**FORM, "units": []})
    assert r.status_code == 400
    assert AttractionEvent.objects.count() == 0 and not AuditEntry.objects.filter(model="attraction.AttractionEvent")
    r = client.post("/attraction/events/new/", {**FORM, "units": [town.jia.pk]}, follow=True)
    ev = AttractionEvent.objects.get()
    assert r.redirect_chain[-1][0] == f"/attraction/events/{ev.pk}/"
    assert "已登记招商活动 深圳招商推介会" in r.content.decode()
    assert (ev.city, ev.date, ev.place, ev.leader, list(ev.units.all())) == (town.city, D(2024, 4, 18), "深圳", "市长",
                                                                              [town.jia])
    entry = AuditEntry.objects.get(model="attraction.AttractionEvent", action="create")
    assert entry.after["units"] == [town.jia.pk] and entry.actor == jia_admin


def test_city_names_any_unit_and_edits_district_edits_only_its_own_events(client, town, jia_admin, city_admin):
    client.force_login(city_admin)
    page = client.get("/attraction/events/new/").content.decode()
    assert f'value="{town.jia.pk}"' in page and f'value="{town.yi.pk}"' in page
    client.post("/attraction/events/new/", {**FORM, "units": [town.jia.pk, town.yi.pk]})
    joint = AttractionEvent.objects.get()
    own = event(town, "甲区专场", [town.jia])
    theirs = event(town, "乙区专场", [town.yi])
    # The city edits the joint event: name, kind, date, leader and units.
    r = client.post(f"/attraction/events/{joint.pk}/edit/", {
        "name": "深圳招商推介会(第二场)", "kind": "fair", "date": "2024-04-19", "place": "深圳前海", "leader": "副市长",
        "units": [town.yi.pk]}, follow=True)
    assert "已保存招商活动 深圳招商推介会(第二场)" in r.content.decode()
    joint.refresh_from_db()
    assert (joint.name, joint.kind, joint.date, joint.place, joint.leader) == (
        "深圳招商推介会(第二场)", "fair", D(2024, 4, 19), "深圳前海", "副市长")
    assert list(joint.units.all()) == [town.yi]
    entry = AuditEntry.objects.get(model="attraction.AttractionEvent", object_id=str(joint.pk), action="update")
    assert (entry.before["units"], entry.after["units"]) == ([town.jia.pk, town.yi.pk], [town.yi.pk])
    assert (entry.before["leader"], entry.after["leader"]) == ("市长", "副市长")
    update_event(event=joint, name=joint.name, kind="fair", date=joint.date, place=joint.place, leader="副市长",
                 units=[town.jia, town.yi], actor=SYSTEM)  # joint again

    client.force_login(jia_admin)
    # Out of 甲区's events: 404 everywhere.
    for url in (f"/attraction/events/{theirs.pk}/", f"/attraction/events/{theirs.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/attraction/events/{theirs.pk}/edit/", {**FORM, "units": [town.jia.pk]}).status_code == 404
    # The joint event: seen, but not editable by a district (it would drop 乙区).
    assert 'id="event-edit"' not in client.get(f"/attraction/events/{joint.pk}/").content.decode()
    assert client.get(f"/attraction/events/{joint.pk}/edit/").status_code == 403
    assert client.post(f"/attraction/events/{joint.pk}/edit/", {**FORM, "units": [town.jia.pk]}).status_code == 403
    with pytest.raises(InputError, match="参加单位 乙区 不在您的权限范围内, 须由市级修改"):
        update_event(event=joint, actor=jia_admin, name="改名", kind="fair", date=D(2024, 4, 19), place="深圳",
                     units=[town.jia])
    joint.refresh_from_db()
    assert joint.name == "深圳招商推介会(第二场)" and joint.units.count() == 2
    # Its own event: editable; bad input answered with a message, nothing changed.
    assert 'id="event-edit"' in client.get(f"/attraction/events/{own.pk}/").content.decode()
    r = client.post(f"/attraction/events/{own.pk}/edit/", {**FORM, "units": [town.jia.pk, town.yi.pk]})
    assert r.status_code == 400 and "参加单位 乙区 不在您的权限范围内" in r.content.decode()
    r = client.post(f"/attraction/events/{own.pk}/edit/", {**FORM, "date": "", "units": [town.jia.pk]})
    assert r.status_code == 400
    own.refresh_from_db()
    assert (own.name, list(own.units.all())) == ("甲区专场", [town.jia])
    r = client.post(f"/attraction/events/{own.pk}/edit/", {**FORM, "name": "甲区专场推介会", "units": [town.jia.pk]})
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.name == "甲区专场推介会"


def test_event_services_refuse_bad_input_and_write_nothing(town, jia_admin):
    other_city, other = f.city_tree(city="别市", districts=("丙区",))
    with pytest.raises(InputError, match="活动日期不能为空"):
        event(town, "无日期", [town.jia], when=None)
    with pytest.raises(InputError, match="参加单位 丙区 不属于 招商市"):
        event(town, "外市单位", [town.jia, other["丙区"]])
    with pytest.raises(InputError, match="参加单位不能为空"):
        event(town, "无单位", [])
    theirs = lead(town.yi, investor="乙区投资方")
    with pytest.raises(InputError, match=f"线索 {theirs.title} 不在您的权限范围内"):
        create_event(city=town.city, name="带错线索", kind="fair", date=D(2024, 3, 1), place="上海",
                     units=[town.jia], leads=[theirs], actor=jia_admin)
    with pytest.raises(InputError, match="活动类型未知: 'gala'"):
        create_event(city=town.city, name="类型错", kind="gala", date=D(2024, 3, 1), place="上海", units=[town.jia], actor=SYSTEM)
    assert AttractionEvent.objects.count() == 0
    ev = event(town, "甲区专场", [town.jia])
    with pytest.raises(InputError, match="活动日期不能为空"):
        update_event(event=ev, name="新名", kind="fair", date=None, place="上海", units=[town.jia], actor=SYSTEM)
    with pytest.raises(InputError, match="活动地点不能为空"):
        update_event(event=ev, name="新名", kind="fair", date=D(2024, 3, 1), place=" ", units=[town.jia], actor=SYSTEM)
    ev.refresh_from_db()
    assert (ev.name, ev.kind) == ("甲区专场", "promotion")


@pytest.fixture
def met(town):
    """Four events, two leads met and two contracts signed at the joint one (hand-made, see the tests)."""
    mine = lead(town.jia, investor="甲方科技有限公司", title="甲区电池项目")
    yours = lead(town.yi, investor="乙方材料有限公司", title="乙区材料项目")
    joint = event(town, "深圳推介会", [town.jia, town.yi], leader="市长", when=D(2024, 3, 2), leads=[mine, yours])
    e2 = event(town, "上海对接会", [town.jia], leader="市长", when=D(2024, 4, 2))
    e3 = event(town, "德国团组", [town.yi], leader="王副市长", when=D(2024, 5, 2))
    e4 = event(town, "甲区招商周", [town.jia], when=D(2024, 5, 20))
    c1 = sign_lead(lead=lead(town.jia, investor="甲签公司", title="甲区签约项目"), signed_on=D(2024, 3, 2),
                   investment=25000, code=code(), category=f.category(), event=joint, actor=SYSTEM)
    c2 = sign_lead(lead=lead(town.yi, investor="乙签公司", title="乙区签约项目"), signed_on=D(2024, 3, 2),
                   investment=12500, code=code(), category=f.category(), event=joint, actor=SYSTEM)
    c3 = sign_lead(lead=lead(town.jia, investor="别处公司", title="别处签约项目"), signed_on=D(2024, 3, 3),
                   investment=9000, code=code(), category=f.category(), actor=SYSTEM)  # not at an event
    return {"mine": mine, "yours": yours, "joint": joint, "e2": e2, "e3": e3, "e4": e4, "c1": c1, "c2": c2, "c3": c3}


def test_event_page_lists_the_leads_met_and_contracts_signed(client, town, jia_admin, city_admin, met):
    joint = met["joint"]
    client.force_login(city_admin)
    html = client.get(f"/attraction/events/{joint.pk}/").content.decode()
    for l_ in (met["mine"], met["yours"]):
        assert f'href="/attraction/leads/{l_.pk}/">{l_.title}</a>' in html
    for c in (met["c1"], met["c2"]):
        assert f'href="/attraction/contracts/{c.pk}/"' in html and c.project.name in html
    assert "别处签约项目" not in html
    # Signed signing leads are met too (sign_lead records the lead at the event): 4 leads, 2 contracts.
    assert "对接线索 (4)" in html
    assert ">2.5<" in html and ">1.3<" in html and "签约项目 (2, 合计 3.8 亿元)" in html  # 25000 + 12500 万元, 1 place half up
    client.force_login(jia_admin)
    html = client.get(f"/attraction/events/{joint.pk}/").content.decode()
    assert "甲区电池项目" in html and "乙区材料项目" not in html  # 乙区's lead: outside 甲区's reach
    assert "甲区签约项目" in html and "乙区签约项目" not in html and "签约项目 (1, 合计 2.5 亿元)" in html


def test_events_list_counts_per_leader_and_unit(client, town, jia_admin, city_admin, met):
    # City: 4 events; 市长 led 2 (深圳, 上海), 王副市长 1; 甲区 took part in 3 (深圳, 上海, 招商周), 乙区 in 2.
    counts = selectors.event_counts(selectors.events_for(city_admin))
    assert counts == {"total": 4, "by_leader": {"市长": 2, "王副市长": 1}, "by_unit": {"甲区": 3, "乙区": 2}}
    assert list(counts["by_unit"]) == ["甲区", "乙区"]  # most first
    # 甲区 sees the three events it took part in, and counts only its own unit.
    assert selectors.event_counts(selectors.events_for(jia_admin)) == {
        "total": 3, "by_leader": {"市长": 2}, "by_unit": {"甲区": 3}}
    client.force_login(city_admin)
    html = client.get("/attraction/events/").content.decode()
    assert "共 4 场, 领导带队 3 场" in html and "<td>王副市长</td><td class=\"num\">1</td>" in html
    joint = met["joint"]
    assert f'<a href="/attraction/events/{joint.pk}/">深圳推介会</a>' in html
    # The joint event's row: 4 leads met, 2 contracts, 3.75 亿元 → 3.8 (the city's one place, half up).
    row = html[html.index(f'/attraction/events/{joint.pk}/">'):].split("</tr>")[0]
    assert '<td class="num">4</td><td class="num">2</td><td class="num">3.8</td>' in row
    client.force_login(jia_admin)
    html = client.get("/attraction/events/").content.decode()
    row = html[html.index(f'/attraction/events/{joint.pk}/">'):].split("</tr>")[0]
    assert '<td class="num">2</td><td class="num">1</td><td class="num">2.5</td>' in row  # its own only
    assert "德国团组" not in html and "乙区签约项目" not in html


def test_events_list_queries_do_not_grow_with_events(client, town, city_admin, met):
    client.force_login(city_admin)
    with CaptureQueriesContext(connection) as four:
        client.get("/attraction/events/")
    for i in range(4):
        event(town, f"加办活动{i}", [town.jia, town.yi], leader="市长", leads=[met["mine"]])
    with CaptureQueriesContext(connection) as eight:
        assert "共 8 场" in client.get("/attraction/events/").content.decode()
    assert len(eight) == len(four)


def test_lead_page_records_the_event_where_the_lead_was_met(client, town, jia_admin, met):
    mine, yours = lead(town.jia, investor="新投资方", title="甲区新线索"), met["yours"]
    e2, e3 = met["e2"], met["e3"]
    client.force_login(jia_admin)
    html = client.get(f"/attraction/leads/{mine.pk}/").content.decode()
    assert 'id="lead-event-form"' in html and "上海对接会" in html and "德国团组" not in html  # 乙区's event
    r = client.post(f"/attraction/leads/{mine.pk}/event/", {"event": e2.pk}, follow=True)
    html = r.content.decode()
    assert "已记录: 在 上海对接会 对接" in html and f'href="/attraction/events/{e2.pk}/"' in html
    assert list(e2.leads.all()) == [mine]
    log = ContactLog.objects.get(lead=mine)
    assert (log.date, log.note) == (D(2024, 4, 2), "招商活动对接: 上海对接会 (上海)")
    # Twice, an event out of reach, a lead out of reach: refused, nothing written.
    with pytest.raises(InputError, match="已记录在活动 上海对接会"):
        add_lead_to_event(event=e2, lead=mine, actor=jia_admin)
    r = client.post(f"/attraction/leads/{mine.pk}/event/", {"event": e3.pk}, follow=True)
    assert "招商活动: " in r.content.decode() and not e3.leads.exists()
    assert client.post(f"/attraction/leads/{yours.pk}/event/", {"event": e2.pk}).status_code == 404
    with pytest.raises(InputError, match=f"线索 {yours.title} 不在您的权限范围内"):
        add_lead_to_event(event=e2, lead=yours, actor=jia_admin)
    with pytest.raises(InputError, match="招商活动 德国团组 不在您的权限范围内"):
        add_lead_to_event(event=e3, lead=mine, actor=jia_admin)
    assert list(e2.leads.all()) == [mine] and ContactLog.objects.filter(lead=mine).count() == 1
    assert AuditEntry.objects.filter(model="attraction.AttractionEvent", object_id=str(e2.pk),
                                     action="update").count() == 1


def test_signing_on_the_lead_page_at_an_event(client, town, jia_admin, met):
    mine, e2 = met["mine"], met["e2"]
    client.force_login(jia_admin)
    r = client.post(f"/attraction/leads/{mine.pk}/sign/", {
        "signed_on": "2024-04-02", "investment": "30000", "code": code(), "category": f.category().pk,
        "event": e2.pk}, follow=True)
    assert "已签约" in r.content.decode()
    contract = mine.contracts.get()
    assert contract.event == e2 and list(e2.leads.all()) == [mine]
    html = client.get(f"/attraction/events/{e2.pk}/").content.decode()
    assert "签约项目 (1, 合计 3.0 亿元)" in html and contract.project.name in html
    other_city, other = f.city_tree(city="别市", districts=("丙区",))
    elsewhere = create_event(city=other_city, name="别市推介会", kind="fair", date=D(2024, 3, 1), place="北京",
                             units=[other["丙区"]], actor=SYSTEM)
    with pytest.raises(InputError, match="签约活动 别市推介会 不是 招商市 的招商活动"):
        sign_lead(lead=met["yours"], signed_on=D(2024, 4, 2), investment=1000, code=code(), category=f.category(),
                  event=elsewhere, actor=SYSTEM)


def test_an_event_may_be_planned_ahead_but_leads_are_recorded_once_it_took_place(town):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    planned = event(town, "下月深圳招商推介会", [town.jia], when=today + datetime.timedelta(days=30))
    assert planned.date == today + datetime.timedelta(days=30)
    with pytest.raises(InputError, match="超过一年以后") as err:
        event(town, "远期活动", [town.jia], when=today + datetime.timedelta(days=400))
    assert err.value.field == "date"
    with pytest.raises(InputError, match="尚未举行"):
        add_lead_to_event(event=planned, lead=lead(town.jia), actor=SYSTEM)
    assert not planned.leads.exists() and AttractionEvent.objects.count() == 1


def test_editing_an_event_in_a_chinese_browser_keeps_its_date(client, town, jia_admin):
    """A zh-CN browser (Accept-Language: zh-CN) gets the date input's value as 2024-03-05: Django would localise
    it to 2024/03/05, which `<input type=date>` rejects and shows empty, so saving the edit lost the date."""
    own = event(town, "甲区推介会", [town.jia])
    client.force_login(jia_admin)
    page = client.get(f"/attraction/events/{own.pk}/edit/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'type="date"' in page
    assert 'value="2024-03-05"' in page
    assert "2024/03/05" not in page
