"""Project create / edit and the stage-event form: the services' refusals show on the named field, nothing is
half-written, and only roles that may write reach the forms."""

import datetime
from decimal import Decimal

import pytest

from tuijin.audit.models import AuditEntry
from tuijin.projects.models import Category, Project, StageEvent

from .conftest import login

pytestmark = pytest.mark.django_db

GOOD_CODE = "2024-321102-34-03-000881"


def form_data(city, **overrides):
    data = {"code": GOOD_CODE, "name": "新建智能工厂项目", "owner": "演示科技有限公司", "unit": city.jia.pk,
            "category": Category.objects.get(name="产业").pk, "industry_node": city.chain.pk,
            "total_investment": "15000", "location": "甲区经开路", "description": "新建厂房 5 万平方米",
            "responsible_leader": "张三", "responsible_department": "", "service_contact": "李四"}
    data.update(overrides)
    return data


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def test_create_project(client, city):
    login(client, city.jia_admin)
    response = client.post("/projects/new/", form_data(city))
    project = Project.objects.get(code=GOOD_CODE)
    assert response.status_code == 302 and response.url == f"/projects/{project.pk}/"
    assert project.total_investment == Decimal(15000) and project.unit == city.jia and project.stage == "planning"
    assert AuditEntry.objects.filter(project_id=project.pk, action="create", actor=city.jia_admin).exists()
    page = client.get(response.url).content.decode()
    assert "已新增项目 新建智能工厂项目" in page


def test_malformed_code_is_a_form_error_naming_the_code(client, city):
    login(client, city.admin)
    response = client.post("/projects/new/", form_data(city, code="2024-321102-34-03-0008"))
    assert response.status_code == 400
    errors = field_errors(response, "code")
    assert errors and "2024-321102-34-03-0008" in errors[0]
    assert "2024-321102-34-03-0008" in response.content.decode()
    assert not Project.objects.filter(name="新建智能工厂项目").exists()


def test_negative_total_is_a_form_error(client, city):
    login(client, city.admin)
    before = AuditEntry.objects.count()
    response = client.post("/projects/new/", form_data(city, total_investment="-500"))
    assert response.status_code == 400
    assert "负数" in field_errors(response, "total_investment")[0]
    assert not Project.objects.filter(code=GOOD_CODE).exists()
    assert AuditEntry.objects.count() == before  # nothing half-written


def test_amount_typed_in_yuan_is_refused(client, city):
    login(client, city.admin)
    response = client.post("/projects/new/", form_data(city, total_investment="1500000000000"))
    assert response.status_code == 400 and field_errors(response, "total_investment")


def test_duplicate_code_is_refused(client, city):
    login(client, city.admin)
    response = client.post("/projects/new/", form_data(city, code=city.p1.code))
    assert response.status_code == 400 and city.p1.code in field_errors(response, "code")[0]


def test_legacy_code_is_accepted_with_a_warning(client, city):
    login(client, city.admin)
    response = client.post("/projects/new/", form_data(city, code="JS-2018-00731"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "JS-2018-00731" in html and "不是 24 位新版格式" in html
    assert Project.objects.get(code="JS-2018-00731").code_is_legacy


def test_unit_choices_are_limited_to_the_users_subtree(client, city):
    login(client, city.jia_admin)
    form_page = client.get("/projects/new/").content.decode()
    assert "甲区" in form_page and "乙区" not in form_page and "外区" not in form_page
    response = client.post("/projects/new/", form_data(city, unit=city.yi.pk))
    assert response.status_code == 400 and field_errors(response, "unit")
    assert not Project.objects.filter(code=GOOD_CODE).exists()


@pytest.mark.parametrize("who", ["reporter", "leader"])
def test_roles_that_may_not_write_get_403(client, city, who):
    login(client, getattr(city, who))
    assert client.get("/projects/new/").status_code == 403
    assert client.post("/projects/new/", form_data(city)).status_code == 403
    assert client.get(f"/projects/{city.p1.pk}/edit/").status_code == 403
    assert client.post(f"/projects/{city.p1.pk}/edit/", form_data(city)).status_code == 403
    assert client.get(f"/projects/{city.p1.pk}/stage/").status_code == 403
    assert not Project.objects.filter(code=GOOD_CODE).exists()


def test_out_of_scope_project_forms_404(client, city):
    login(client, city.jia_admin)
    assert client.get(f"/projects/{city.p3.pk}/edit/").status_code == 404
    assert client.post(f"/projects/{city.p3.pk}/stage/", {"stage": "started", "date": "2024-05-01"}).status_code == 404


def test_edit_project_records_the_change_with_its_reason(client, city):
    login(client, city.admin)
    form_page = client.get(f"/projects/{city.p1.pk}/edit/")
    assert form_page.status_code == 200
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in form_page.context["form"].initial.items()}
    data.update(total_investment="32000", reason="可研批复调整")
    response = client.post(f"/projects/{city.p1.pk}/edit/", data)
    assert response.status_code == 302
    city.p1.refresh_from_db()
    assert city.p1.total_investment == Decimal(32000)
    entry = AuditEntry.objects.filter(project_id=city.p1.pk, action="update").latest("id")
    assert entry.reason == "可研批复调整" and entry.actor == city.admin
    assert [c[0] for c in entry.changes] == ["total_investment"]  # only what changed


def test_edit_without_changes_writes_nothing(client, city):
    login(client, city.admin)
    form_page = client.get(f"/projects/{city.p1.pk}/edit/")
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in form_page.context["form"].initial.items()}
    before = AuditEntry.objects.count()
    response = client.post(f"/projects/{city.p1.pk}/edit/", data, follow=True)
    assert "没有修改任何内容" in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_edit_with_negative_total_changes_nothing(client, city):
    login(client, city.admin)
    form_page = client.get(f"/projects/{city.p1.pk}/edit/")
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in form_page.context["form"].initial.items()}
    data.update(total_investment="-1", name="改名")
    response = client.post(f"/projects/{city.p1.pk}/edit/", data)
    assert response.status_code == 400 and field_errors(response, "total_investment")
    city.p1.refresh_from_db()
    assert city.p1.name == "甲区光伏组件项目" and city.p1.total_investment == Decimal(30000)


def test_record_stage(client, city):
    login(client, city.jia_admin)
    page = client.get(f"/projects/{city.p1.pk}/stage/")
    offered = [v for v, _ in page.context["form"].fields["stage"].choices]
    assert offered == ["completed", "operating", "at_capacity", "terminated"]  # forward only, or 终止
    response = client.post(f"/projects/{city.p1.pk}/stage/", {"stage": "completed", "date": "2024-10-08",
                                                              "note": "主体竣工"})
    assert response.status_code == 302
    city.p1.refresh_from_db()
    assert city.p1.stage == "completed"
    assert StageEvent.objects.get(project=city.p1, stage="completed").date == datetime.date(2024, 10, 8)


def test_stage_date_errors_show_on_the_date_field(client, city):
    login(client, city.jia_admin)
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = client.post(f"/projects/{city.p1.pk}/stage/", {"stage": "completed", "date": future})
    assert response.status_code == 400 and "在未来" in field_errors(response, "date")[0]
    early = client.post(f"/projects/{city.p1.pk}/stage/", {"stage": "completed", "date": "2024-01-01"})
    assert early.status_code == 400 and "早于上一阶段日期" in field_errors(early, "date")[0]
    city.p1.refresh_from_db()
    assert city.p1.stage == "started"
