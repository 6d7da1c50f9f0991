"""Issue 15, bad input systematically: every form of the web pages and every import kind, driven with a table of
hostile values (too large, exponent, NaN/Inf, negative, empty, 10,000 characters, right-to-left override and
zero-width characters, 2024-02-30, ids beyond 64 bits).

For each (form, field, value): the form is posted by the role that uses it, with otherwise valid data (each
form's baseline is checked to be accepted on its own), and the answer must be a refusal — a 4xx, or a form error
or message naming the field's Chinese label — never a 5xx; nothing may be written (every table of the project is
counted before and after, and the edited object compared); and the city's key pages still answer 200.

Free text without a length limit (建设内容, 形象进度 …) may instead be stored intact; names, codes and every other
single-line text must refuse 10,000 characters, and no text may hold a zero-width or bidi-control character
(tuijin.core.text).

Number cases (amounts too large, in exponent form, NaN/Inf, negative) are refused by core.bounds in every form,
import and API body.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms import BaseForm
from django.forms.models import model_to_dict

from tests.rowcounts import row_counts

pytestmark = pytest.mark.django_db

LONG = "长" * 10_000
RTL = "项目\u202egpj.exe"
ZERO_WIDTH = "智能\u200b制造"
BIG_ID = str(2**64 + 1)
FUTURE = f"{datetime.date.today() + datetime.timedelta(days=60):%Y-%m-%d}"

# kind of field → [(case id, value)]
HOSTILE = {
    # single-line text with a maximum length (names, codes, titles, reasons)
    "line": [("long", LONG), ("rtl", RTL), ("zero_width", ZERO_WIDTH)],
    # free text without a length limit: 10,000 characters may be stored intact
    "text": [("long", LONG), ("rtl", RTL), ("zero_width", ZERO_WIDTH)],
    "date": [("feb30", "2024-02-30"), ("month13", "2024-13-01"), ("year10000", "10000-01-01"),
             ("garbage", "2024-02-3O")],
    "id": [("beyond_64_bits", BIG_ID), ("huge", "9" * 40), ("not_a_number", "abc")],
    "choice": [("unknown", "no-such-choice"), ("rtl", RTL), ("long", LONG)],
    "amount": [("too_large", "9" * 30), ("exp_309", "1e309"), ("exp_14", "1e14"), ("nan", "NaN"), ("inf", "Infinity"),
               ("minus_inf", "-inf"), ("negative", "-1")],
    # amounts that may be negative (加减分)
    "signed": [("too_large", "9" * 30), ("exp_309", "1e309"), ("nan", "NaN"), ("inf", "inf")],
    "int": [("too_large", "9" * 30), ("exp", "1e3"), ("nan", "NaN"), ("negative", "-1"), ("float", "1.5")],
}
REQUIRED_EMPTY = ("empty", "")


@dataclass
class FormSpec:
    name: str
    role: str  # key of tests.access.world.ROLE_USERS
    url: Callable  # world → path
    base: Callable  # world → valid POST data
    fields: dict  # field → (Chinese label, kind, required)
    watch: Callable | None = None  # world → an object that must not change
    files: Callable | None = None  # world → {name: uploaded file}

    def cases(self):
        for fname, (label, kind, required) in self.fields.items():
            values = list(HOSTILE[kind])
            if required:
                values.append(REQUIRED_EMPTY)
            for case, value in values:
                yield f"{self.name}-{fname}-{case}", self, fname, label, kind, case, value


def _pk(obj):
    return str(obj.pk)


def _category(name="产业"):
    from tuijin.projects.models import Category

    return Category.objects.get(name=name)


def _sector(w):
    from tuijin.projects.models import Sector

    return Sector.objects.get(city=w.units["zhenjiang"], code="transport")


def _project_base(w):
    return {"code": "2024-321102-34-03-004321", "name": "京口区新能源装备产业园项目", "owner": "镇江新能源有限公司",
            "unit": _pk(w.units["jk"]), "category": _pk(_category()), "total_investment": "52000",
            "location": "京口区", "description": "新建厂房 10 万平方米", "responsible_leader": "张三",
            "service_contact": "李四"}


PROJECT_FIELDS = {"code": ("项目代码", "line", True), "name": ("项目名称", "line", True),
                  "owner": ("项目业主", "line", False), "unit": ("所属单位", "id", True),
                  "category": ("类别", "id", True), "industry_node": ("产业链", "id", False),
                  "total_investment": ("计划总投资", "amount", True), "location": ("建设地点", "line", False),
                  "description": ("建设内容", "text", False), "responsible_leader": ("责任领导", "line", False),
                  "responsible_department": ("责任部门", "id", False), "service_contact": ("服务专员", "line", False),
                  "sector": ("行业领域", "id", False), "nature": ("建设性质", "id", False)}


def _edit_base(w):
    p = w.project("jk")
    return {"code": p.code, "name": p.name + "(调整)", "owner": p.owner, "unit": _pk(p.unit),
            "category": _pk(p.category), "total_investment": "13000", "location": "京口区",
            "description": p.description, "responsible_leader": "", "service_contact": "", "reason": "调整总投资"}


def _lead_base(w):
    return {"title": "京口区氢能装备项目", "investor": "上海氢能科技有限公司", "investor_region": "上海",
            "investor_kind": "private", "source": "visit", "intended_investment": "20000",
            "stage_date": "2024-04-01", "team": "第一小分队", "city_leader": "王市长"}


def _sign_base(w):
    return {"signed_on": "2024-04-10", "investment": "15000", "code": "2024-321102-34-03-007654",
            "category": _pk(_category()), "registered_capital": "1000", "foreign_capital": "",
            "foreign_currency": "", "foreign_amount": "", "fx_rate": "", "due_started": "2024-10-01",
            "confirm_new_project": "on"}


def _event_base(w):
    return {"name": "2024 镇江(深圳)招商推介会", "kind": "promotion", "date": "2024-05-20", "place": "深圳",
            "leader": "市长", "units": [_pk(w.units["jk"])]}


def _campaign_base(w):
    return {"action": "create_campaign", "city": _pk(w.units["zhenjiang"]), "name": "2024年上半年赛马",
            "year": "2024", "first_month": "1", "last_month": "6",
            "units": [_pk(w.units["jk"]), _pk(w.units["rz"])], "red_count": "1", "black_count": "1",
            "ind0_name": "项目赋分", "ind0_kind": "project_points", "ind0_weight": "100", "ind0_method": "best"}


def _livelihood_url(w):
    return f"/livelihood/items/{w.places['jk'].item.pk}/report/2024/3/"


def _livelihood_base(w):
    target = w.places["jk"].item.targets.first()
    return {f"target_{target.pk}": "30", "investment_ytd": "100", "progress_text": "已建成 30 个泊位"}


def _target_field(w):
    return f"target_{w.places['jk'].item.targets.first().pk}"


FORMS = [
    FormSpec("project_create", "city_admin", lambda w: "/projects/new/", _project_base, PROJECT_FIELDS),
    FormSpec("project_edit", "city_admin", lambda w: f"/projects/{w.project('jk').pk}/edit/", _edit_base,
             {**{k: v for k, v in PROJECT_FIELDS.items() if k != "code"}, "reason": ("修改原因", "line", False)},
             watch=lambda w: w.project("jk")),
    FormSpec("project_stage", "city_admin", lambda w: f"/projects/{w.project('jk').pk}/stage/",
             lambda w: {"stage": "started", "date": "2024-04-15", "note": "开工", "reason": ""},
             {"stage": ("进入阶段", "choice", True), "date": ("日期", "date", True), "note": ("说明", "line", False),
              "reason": ("原因", "line", False)}, watch=lambda w: w.project("jk")),
    FormSpec("report", "reporter", lambda w: f"/reports/{w.project('jk').pk}/2024/3/",
             lambda w: {"amount": "300", "progress_text": "主体结构施工", "problems_text": "", "reason": "",
                        "confirm_warnings": "on"},
             {"amount": ("当月完成投资", "amount", False), "ytd": ("1-N月累计完成投资", "amount", False),
              "progress_text": ("形象进度", "text", False), "problems_text": ("存在问题", "text", False),
              "milestones": ("本月达成节点", "choice", False), "reason": ("更正原因", "line", False)}),
    FormSpec("report_review", "district_admin", lambda w: f"/reports/review/{w.submitted.pk}/",
             lambda w: {"decision": "return", "reason": "请补充照片"},
             {"decision": ("审核结论", "choice", True), "reason": ("退回原因", "line", False)},
             watch=lambda w: w.submitted),
    FormSpec("period_open", "city_admin", lambda w: "/reports/periods/",
             lambda w: {"period": "2024-07", "opens_on": "2024-07-25", "deadline": "2024-08-05"},
             {"period": ("期间", "line", True), "opens_on": ("开始填报", "date", True),
              "deadline": ("截止日期", "date", True)}),
    FormSpec("lead_create", "district_admin", lambda w: "/attraction/leads/new/", _lead_base,
             {"title": ("项目名称", "line", True), "investor": ("投资方", "line", True),
              "investor_region": ("国别/地区", "line", False), "investor_kind": ("投资方类型", "choice", True),
              "source": ("线索来源", "choice", True), "intended_investment": ("意向投资", "amount", True),
              "stage_date": ("线索日期", "date", True), "team": ("招商小分队", "line", False),
              "city_leader": ("挂钩市领导", "line", False)}),
    FormSpec("lead_move", "district_admin", lambda w: f"/attraction/leads/{w.places['jk'].lead.pk}/move/",
             lambda w: {"stage": "contact", "date": "2024-03-15", "note": "初次接洽", "reason": ""},
             {"stage": ("进入阶段", "choice", True), "date": ("日期", "date", True), "note": ("说明", "line", False),
              "reason": ("放弃原因", "line", False)}, watch=lambda w: w.places["jk"].lead),
    FormSpec("lead_contact", "district_admin", lambda w: f"/attraction/leads/{w.places['jk'].lead.pk}/contact/",
             lambda w: {"date": "2024-03-20", "note": "电话沟通投资意向"},
             {"date": ("洽谈日期", "date", True), "note": ("洽谈内容", "line", True)}),
    FormSpec("lead_sign", "district_admin", lambda w: f"/attraction/leads/{w.places['jk'].lead.pk}/sign/",
             _sign_base,
             {"signed_on": ("签约日期", "date", True), "investment": ("合同投资", "amount", True),
              "code": ("项目代码", "line", False), "category": ("项目类别", "id", False),
              "existing_code": ("关联已有项目", "line", False), "registered_capital": ("注册资本", "amount", False),
              "foreign_capital": ("外资", "amount", False), "foreign_currency": ("外币币种", "line", False),
              "fx_rate": ("折算汇率", "amount", False), "due_started": ("约定开工日期", "date", False),
              "event": ("签约活动", "id", False)}, watch=lambda w: w.places["jk"].lead),
    FormSpec("lead_event", "district_admin", lambda w: f"/attraction/leads/{w.places['jk'].lead.pk}/event/",
             lambda w: {"event": _pk(w.event2)}, {"event": ("招商活动", "id", True)}),
    FormSpec("event_create", "city_admin", lambda w: "/attraction/events/new/", _event_base,
             {"name": ("活动名称", "line", True), "kind": ("类型", "choice", True), "date": ("日期", "date", True),
              "place": ("地点", "line", True), "leader": ("带队领导", "line", False), "units": ("参加单位", "id", True)}),
    FormSpec("event_edit", "city_admin", lambda w: f"/attraction/events/{w.places['jk'].event.pk}/edit/",
             _event_base,
             {"name": ("活动名称", "line", True), "date": ("日期", "date", True), "place": ("地点", "line", True),
              "units": ("参加单位", "id", True)}, watch=lambda w: w.places["jk"].event),
    FormSpec("contract_milestone", "district_admin",
             lambda w: f"/attraction/contracts/{w.places['jk'].contract.pk}/milestone/",
             lambda w: {"kind": "started", "actual_date": "2024-09-10"},
             {"kind": ("节点", "choice", True), "actual_date": ("实际日期", "date", True)}),
    FormSpec("contract_arrival", "district_admin",
             lambda w: f"/attraction/contracts/{w.places['jk'].contract.pk}/arrival/",
             lambda w: {"date": "2024-06-30", "amount": "3000", "source": "domestic"},
             {"date": ("到位日期", "date", True), "amount": (("到位金额", "到位资金"), "amount", True),
              "source": ("资金来源", "choice", True)}),
    FormSpec("target_create", "city_admin", lambda w: "/attraction/targets/new/",
             lambda w: {"unit": _pk(w.units["jk"]), "year": "2024", "indicator": "new_signed_count", "value": "12",
                        "level": "city", "due_month": "12", "description": "全年新签约"},
             {"unit": ("单位", "id", True), "year": ("年度", "int", True), "indicator": ("指标", "choice", True),
              "value": ("目标值", "amount", True), "level": ("下达层级", "choice", True),
              "annual_list": ("清单", "id", False), "due_month": ("完成时限", "int", True),
              "description": ("说明", "line", False)}),
    FormSpec("problem_raise", "reporter", lambda w: f"/problems/new/{w.project('jk').pk}/",
             lambda w: {"category": _pk(w.places["jk"].problem.category), "title": "施工用电未接入",
                        "description": "需要供电公司协调"},
             {"category": ("问题类别", "id", True), "title": ("问题摘要", "line", True),
              "description": ("问题描述", "text", False)}),
    FormSpec("problem_assign", "city_admin", lambda w: f"/problems/{w.places['rz'].problem.pk}/assign/",
             lambda w: {"lead_department": _pk(w.units["dept"]), "deadline": FUTURE, "note": "请尽快办理"},
             {"lead_department": ("牵头部门", "id", True), "cooperating": ("配合单位", "id", False),
              "deadline": ("办理时限", "date", True), "note": ("交办意见", "line", False)},
             watch=lambda w: w.places["rz"].problem),
    FormSpec("problem_answer", "department", lambda w: f"/problems/{w.places['jk'].problem.pk}/answer/",
             lambda w: {"text": "已协调落实用地指标"}, {"text": ("办结答复", "text", True)},
             watch=lambda w: w.places["jk"].problem),
    FormSpec("meeting_minutes", "city_admin", lambda w: f"/problems/meetings/{w.places['jk'].meeting.pk}/",
             lambda w: {"form": "minutes", "held_on": "", "chair": "分管副市长", "attendees": "各板块",
                        "minutes": "会议研究了用地问题"},
             {"chair": ("主持", "line", False), "attendees": ("参会人员", "text", False),
              "minutes": ("会议纪要", "text", False)}, watch=lambda w: w.places["jk"].meeting),
    FormSpec("meeting_decision", "city_admin", lambda w: f"/problems/meetings/{w.places['jk'].meeting.pk}/",
             lambda w: {"form": "decision", "text": "限期完成供地", "owner": _pk(w.units["jk"]),
                        "deadline": FUTURE},
             {"text": ("决定事项", "text", True), "owner": ("责任单位", "id", True),
              "deadline": ("完成时限", "date", True)}),
    FormSpec("decision_done", "city_admin", lambda w: f"/problems/decisions/{w.places['jk'].decision.pk}/done/",
             lambda w: {"result": "已落实"}, {"result": ("落实情况", "line", True)},
             watch=lambda w: w.places["jk"].decision),
    FormSpec("weekly_create", "city_admin", lambda w: "/problems/weekly/create/",
             lambda w: {"city": _pk(w.units["zhenjiang"]), "week": "2024-06-03"},
             {"city": ("城市", "id", True), "week": ("调度周", "date", True)}),
    FormSpec("joint_new", "city_admin", lambda w: "/problems/joint/new/",
             lambda w: {"title": "用地问题联审会办", "held_on": "2024-06-05", "minutes": "联审会办",
                        "problem": [_pk(w.places["jk"].problem)], f"owner_{w.places['jk'].problem.pk}":
                            _pk(w.units["dept"]), f"deadline_{w.places['jk'].problem.pk}": FUTURE,
                        f"decision_{w.places['jk'].problem.pk}": "限期供地",
                        f"outcome_{w.places['jk'].problem.pk}": "note"},
             {"title": ("会议名称", "line", False), "held_on": ("会议日期", "date", False),
              "problem": ("问题", "id", False)}),
    FormSpec("livelihood_report", "district_admin", _livelihood_url, _livelihood_base,
             {"investment_ytd": ("1-N月累计完成投资", "amount", False), "progress_text": ("进展情况", "text", False),
              "reason": ("原因说明", "line", False)}),
    FormSpec("light_rule", "city_admin", lambda w: "/dashboard/lights/rules/",
             lambda w: {"action": "save", "prefix": "new", "city": _pk(w.units["zhenjiang"]),
                        "new-name": "连续两月欠序时", "new-kind": "absolute_gap", "new-yellow": "10", "new-red": "30",
                        "new-applies_to": "both", "new-active": "on", "new-sort_order": "5", "new-note": ""},
             {"new-name": ("规则名称", "line", True), "new-kind": ("规则类型", "choice", True),
              "new-yellow": ("黄灯阈值", "amount", False), "new-red": ("红灯阈值", "amount", False),
              "new-applies_to": ("适用对象", "choice", True), "new-sort_order": ("顺序", "int", False),
              "new-note": ("说明", "line", False), "new-rule": ("规则", "id", False)}),
    FormSpec("campaign_create", "city_admin", lambda w: "/dashboard/competition/", _campaign_base,
             {"name": ("竞赛名称", "line", True), "year": ("年度", "int", True), "first_month": ("起始月份", "int", True),
              "units": ("参赛单位", "id", True), "red_count": ("红榜名额", "int", True),
              "ind0_name": ("指标1名称", "line", False), "ind0_weight": ("权重", "amount", False),
              "description": ("说明", "text", False)}),
    FormSpec("campaign_adjust", "city_admin", lambda w: "/dashboard/competition/",
             lambda w: {"campaign": _pk(w.campaign), "action": "adjust", "unit": _pk(w.units["jk"]),
                        "points": "-2", "reason": "通报批评"},
             {"unit": ("单位", "id", True), "points": ("分值", "signed", True), "reason": ("事由", "line", True)}),
    FormSpec("campaign_highlight", "city_admin", lambda w: "/dashboard/competition/",
             lambda w: {"campaign": _pk(w.campaign), "action": "highlight", "unit": _pk(w.units["jk"]),
                        "project": _pk(w.project("jk")), "title": "当年拿地当年开工", "summary": "亮点"},
             {"unit": ("单位", "id", True), "project": ("项目", "id", False), "title": ("标题", "line", True),
              "summary": ("亮点介绍", "text", False)}),
    FormSpec("bulletin_template_add", "city_admin", lambda w: "/bulletins/templates/",
             lambda w: {"action": "add", "key": "overview.hostile_test", "section": "overview",
                        "text": "全市重大项目有序推进", "order": "100", "reason": "新增句式"},
             {"key": ("句式键", "line", True), "section": ("段落", "choice", True), "text": ("句式", "line", True),
              "order": ("顺序", "int", True)}),
    FormSpec("bulletin_template_save", "city_admin", lambda w: "/bulletins/templates/",
             lambda w: {"action": "save", "key": "overview.half", "text": "{area}重大项目投资{half_and_half}目标任务。",
                        "order": "30", "enabled": "on", "reason": "改写"},
             {"key": ("句式键", "line", True), "text": ("句式", "line", True), "order": ("顺序", "int", False)}),
    FormSpec("bulletin_config", "city_admin", lambda w: "/bulletins/templates/",
             lambda w: {"action": "config", "heading": "全市重大项目推进情况通报", "issuer": "市重大办",
                        "threshold_yi": "1", "lagging_limit": "10", "lag_threshold_pp": "10",
                        "include_ranking": "on"},
             {"heading": ("通报标题", "line", False), "issuer": ("发文单位", "line", False),
              "threshold_yi": ("招引门槛", "amount", False), "lagging_limit": ("点名项目数上限", "int", True),
              "lag_threshold_pp": ("滞后判定", "amount", True), "lists": ("通报的清单", "id", False)}),
    FormSpec("user_create", "city_admin", lambda w: "/accounts/users/",
             lambda w: {"username": "jk_new_reporter", "first_name": "王五", "phone": "0511-12345678",
                        "unit": _pk(w.units["jk"]), "role": "reporter", "password1": "Tuijin-new-2024!x",
                        "password2": "Tuijin-new-2024!x"},
             {"username": ("用户名", "line", True), "first_name": ("姓名", "line", False),
              "phone": ("电话", "line", False), "unit": ("所属单位", "id", True), "role": ("角色", "choice", True)}),
    FormSpec("token_create", "city_admin", lambda w: "/accounts/tokens/",
             lambda w: {"name": "统计局数据对接", "days": "90"},
             {"name": ("名称", "line", True), "days": ("有效期", "choice", True)}),
    # the city's own set-up (单位管理, 年度清单, 分类维度)
    FormSpec("unit_add", "city_admin", lambda w: "/setup/units/",
             lambda w: {"name": "镇江新区", "kind": "zone", "parent": "", "short_name": "新区",
                        "region_code": "321171"},
             {"name": ("单位名称", "line", True), "kind": ("类型", "choice", True), "parent": ("上级单位", "id", False),
              "short_name": ("简称", "line", False), "region_code": ("行政区划代码", "line", False)}),
    FormSpec("unit_edit", "city_admin", lambda w: f"/setup/units/{w.units['jk'].pk}/edit/",
             lambda w: {"name": "京口区", "kind": "district", "short_name": "京口", "region_code": "321102",
                        "sort_order": "1", "reason": "补简称"},
             {"name": ("单位名称", "line", True), "kind": ("类型", "choice", True), "short_name": ("简称", "line", False),
              "region_code": ("行政区划代码", "line", False), "sort_order": ("排序", "int", False),
              "reason": ("修改原因", "line", False)}, watch=lambda w: w.units["jk"]),
    FormSpec("unit_move", "city_admin", lambda w: f"/setup/units/{w.units['dept'].pk}/move/",
             lambda w: {"parent": _pk(w.units["jk"]), "reason": "下放管理"},
             {"parent": ("新的上级单位", "id", True), "reason": ("调整原因", "line", False)},
             watch=lambda w: w.units["dept"]),
    FormSpec("unit_retire", "city_admin", lambda w: f"/setup/units/{w.units['dept'].pk}/retire/",
             lambda w: {"retired_on": "2024-06-30", "reason": "机构改革"},
             {"retired_on": ("撤销日期", "date", True), "reason": ("撤销原因", "line", False)},
             watch=lambda w: w.units["dept"]),
    FormSpec("list_create", "city_admin", lambda w: "/setup/lists/",
             lambda w: {"name": "省重大项目", "short_name": "省重大", "rank": "1", "counts_in_total": "on",
                        "year": "2024"},
             {"name": ("清单名称", "line", True), "short_name": ("简称", "line", False), "rank": ("级别/排序", "int", True),
              "year": ("使用年度", "int", False)}),
    FormSpec("list_edit", "city_admin", lambda w: f"/setup/lists/{w.lists['zhenjiang'].pk}/",
             lambda w: {"name": "市重大项目", "short_name": "市重大", "rank": "3", "counts_in_total": "on"},
             {"name": ("清单名称", "line", True), "short_name": ("简称", "line", False), "rank": ("级别/排序", "int", True),
              "year": ("使用年度", "int", False)}, watch=lambda w: w.lists["zhenjiang"]),
    FormSpec("dimension_add", "city_admin", lambda w: "/setup/dimensions/?kind=sector",
             lambda w: {"kind": "sector", "sector-code": "digital", "sector-name": "数字经济", "sector-sort_order": "8"},
             {"sector-code": ("代码", "line", True), "sector-name": ("名称", "line", True),
              "sector-sort_order": ("排序", "int", True)}),
    FormSpec("dimension_edit", "city_admin", lambda w: f"/setup/dimensions/sector/{_sector(w).pk}/",
             lambda w: {"code": "transport", "name": "交通运输", "sort_order": "1", "active": "on"},
             {"code": ("代码", "line", True), "name": ("名称", "line", True), "sort_order": ("排序", "int", True)},
             watch=_sector),
    # 提醒: a user's own preference; the city's schedule and webhooks (提醒设置)
    FormSpec("reminder_preference", "city_admin", lambda w: "/reminders/",
             lambda w: {"email": "on", "robot": "on", "mobile": "13800000001", "kinds": ["report_due", "weekly"]},
             {"mobile": ("手机号", "line", False), "kinds": ("接收哪些提醒", "choice", False)}),
    FormSpec("reminder_schedule", "city_admin", lambda w: "/setup/reminders/",
             lambda w: {"form": "schedule", "enabled": "on", "days_before_deadline": "3", "days_after_deadline": "5",
                        "problem_due_days": "3", "weekly_weekday": "0"},
             {"days_before_deadline": ("月报截止前几天提醒", "int", True),
              "days_after_deadline": ("截止后几天内催报", "int", True),
              "problem_due_days": ("问题时限前几天提醒", "int", True),
              "weekly_weekday": ("周调度提醒日", "choice", True)}),
    FormSpec("reminder_endpoint", "city_admin", lambda w: "/setup/reminders/",
             lambda w: {"form": "endpoint", "name": "短信平台", "kind": "sms", "url": "https://sms.example.cn/send",
                        "secret": "", "body_template": '{"phone": "{mobile}", "text": "{content}"}'},
             {"name": ("名称", "line", True), "kind": ("类型", "choice", True), "url": ("地址 (URL)", "line", True),
              "secret": ("加签密钥", "line", False), "body_template": ("请求体模板", "text", False)}),
]

# Number cases (too large, exponents, NaN/Inf, negative) hold since the amounts fix merged: none is expected to
# fail. Kept as a name so that a case can be marked again deliberately, never silently.
NUMBER_CASES_FIXED_ELSEWHERE: set[str] = set()

# Key pages of 镇江市 that must still answer 200 after every case (as the city administrator).
KEY_PAGES = ("/overview/", "/projects/", "/dashboard/", "/dashboard/lights/", "/reports/review/",
             "/bulletins/?through=2024-02", "/api/v1/indicators?city=镇江市&through=2024-02", "/api/v1/projects")


def _params():
    for case_id, spec, fname, label, kind, _case, value in (c for s in FORMS for c in s.cases()):
        marks = ()
        if case_id in NUMBER_CASES_FIXED_ELSEWHERE:
            marks = (pytest.mark.xfail(strict=True, reason="marked deliberately"),)
        yield pytest.param(spec, fname, label, kind, value, id=case_id, marks=marks)


def _counts() -> dict:
    """Rows in every table of the project's apps (and the users)."""
    return row_counts(lambda m: m.__module__.startswith("tuijin."))


def _state(obj):
    if obj is None:
        return None
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {k: v for k, v in model_to_dict(fresh).items() if not isinstance(v, list)}


def feedback(response) -> str:
    """What the user is told: the messages, the errors of every form on the page (with their labels), and the
    body of a plain 4xx."""
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    for ctx in response.context or []:
        for value in ctx.flatten().values() if hasattr(ctx, "flatten") else ():
            if isinstance(value, BaseForm) and value.is_bound:
                for name, errors in value.errors.items():
                    label = value.fields[name].label if name in value.fields else ""
                    texts.append(f"{label or name}: {' '.join(errors)}")
    if 400 <= response.status_code < 500 and not response.get("Content-Type", "").startswith("text/html"):
        texts.append(response.content.decode(errors="replace"))
    return "\n".join(dict.fromkeys(texts))


def _names(said: str, label) -> bool:
    """The answer names the field: its label (or one of the labels a service uses for it)."""
    return any(one in said for one in ((label,) if isinstance(label, str) else label))


def _login(client, w, role):
    client.force_login(w.users[role])


def _pages_ok(client, w):
    _login(client, w, "city_admin")
    for page in KEY_PAGES:
        r = client.get(page)
        assert r.status_code == 200, (page, r.status_code)


def _post(client, spec, w, data):
    _login(client, w, spec.role)
    return client.post(spec.url(w), data)


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.name) for s in FORMS])
def test_baseline_is_accepted(client, hw, spec):
    """Each form's baseline is valid: a hostile value is then the only thing wrong with a post."""
    before, watched = _counts(), _state(spec.watch(hw)) if spec.watch else None
    r = _post(client, spec, hw, spec.base(hw))
    assert r.status_code in (200, 302), (r.status_code, feedback(r))
    after = _counts()
    changed = after != before or (spec.watch is not None and _state(spec.watch(hw)) != watched)
    assert changed, f"{spec.name}: the baseline wrote nothing: {feedback(r)}"


@pytest.mark.parametrize(("spec", "fname", "label", "kind", "value"), list(_params()))
def test_hostile_value_is_refused(client, hw, spec, fname, label, kind, value):
    data = spec.base(hw)
    data[fname] = value
    watch = spec.watch(hw) if spec.watch else None
    before, watched = _counts(), _state(watch)
    r = _post(client, spec, hw, data)
    assert r.status_code < 500, r.status_code
    said = feedback(r)
    after, now = _counts(), _state(watch)
    written = after != before or now != watched
    what = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    if now != watched:
        what["watched"] = {k: (watched.get(k), v) for k, v in now.items() if watched.get(k) != v}
    if kind == "text" and value == LONG and written:
        _pages_ok(client, hw)  # free text may be stored intact: the pages must still render it
        return
    assert not written, f"{fname}={value[:40]!r} was written ({what}); said: {said[:300]}"
    if r.status_code not in (403, 404, 405):
        assert _names(said, label), f"{fname}={value[:40]!r}: the answer does not name {label}: {said[:500]}"


@pytest.mark.parametrize("spec", [
    pytest.param(s, id=s.name, marks=[pytest.mark.xfail(strict=True, reason="marked deliberately")]
                 if f"pages-{s.name}" in NUMBER_CASES_FIXED_ELSEWHERE else []) for s in FORMS])
def test_pages_still_answer_after_every_hostile_value(client, hw, spec):
    """All of a form's hostile values posted one after the other (nothing rolled back in between), then the city's
    key pages: still 200. (A refused case writes nothing, so its own test need not render them again.)"""
    for _case_id, _spec, fname, _label, _kind, _case, value in spec.cases():
        data = spec.base(hw)
        data[fname] = value
        try:
            _post(client, spec, hw, data)
        except Exception:  # noqa: BLE001 - a crash is reported by the case's own test; the pages matter here
            pass
    _pages_ok(client, hw)


# ---------------------------------------------------------------- imports


@dataclass
class ImportSpec:
    kind: str
    url: str  # the web import page
    post: Callable  # world → the page's other fields
    header: list  # the file's header row
    row: Callable  # world → a valid data row {header: value}
    columns: dict  # header → (label in the answer, kind)
    cli: Callable | None = None  # world → extra arguments of `tuijin import` (None: no CLI for this kind)
    role: str = "city_admin"

    def cases(self):
        for header, (label, kind) in self.columns.items():
            for case, value in HOSTILE[kind]:
                yield f"{self.kind}-{COLUMN_IDS[header]}-{case}", self, header, label, kind, value


# ASCII names of the columns, for the test ids
COLUMN_IDS = {"项目代码": "code", "项目名称": "name", "当月完成投资": "amount", "形象进度": "progress_text",
              "存在问题": "problems_text", "项目业主": "owner", "所属单位": "unit", "项目类别": "category",
              "计划总投资": "total_investment", "建设地点": "location", "建设内容": "description",
              "责任领导": "leader", "年度计划投资": "annual_plan", "计划新开工": "planned_new_start",
              "计划开工月份": "planned_start_month", "投资方": "investor", "投资方类型": "investor_kind",
              "线索来源": "source", "意向投资(万元)": "amount", "合同投资(万元)": "amount", "跟进单位": "unit",
              "日期": "date", "国别/地区": "region", "行业领域": "sector", "建设性质": "nature",
              "单位名称": "unit_name", "类型": "kind", "上级单位": "parent", "简称": "short_name",
              "行政区划代码": "region_code", "清单名称": "list_name", "年度": "year", "级别/排序": "rank",
              "是否计入全部": "counts_in_total"}


def _csv(spec: ImportSpec, w, override: dict | None = None) -> bytes:
    import csv

    row = {**spec.row(w), **(override or {})}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(spec.header)
    writer.writerow([row.get(h, "") for h in spec.header])
    return out.getvalue().encode("utf-8-sig")


IMPORTS = [
    ImportSpec("reports", "/reports/import/",
               lambda w: {"kind": "reports", "period": "2024-05", "confirm_warnings": "1"},
               ["项目代码", "项目名称", "当月完成投资", "形象进度", "存在问题"],
               lambda w: {"项目代码": w.project("jk").code, "项目名称": w.project("jk").name, "当月完成投资": "300",
                          "形象进度": "主体结构施工", "存在问题": "无"},
               {"项目代码": ("项目代码", "line"), "当月完成投资": ("当月完成投资", "amount"),
                "形象进度": ("形象进度", "text"), "存在问题": ("存在问题", "text")},
               cli=lambda w: ["--kind", "reports", "--period", "2024-05", "--confirm-warnings",
                                     "--reason", "更正测试: 敌意输入"]),
    ImportSpec("projects", "/reports/import/", lambda w: {"kind": "projects"},
               ["项目代码", "项目名称", "项目业主", "所属单位", "项目类别", "计划总投资", "建设地点", "建设内容", "责任领导",
                "行业领域", "建设性质"],
               lambda w: {"项目代码": "2024-321102-34-03-009876", "项目名称": "京口区储能电池项目",
                          "项目业主": "镇江储能有限公司", "所属单位": "京口区", "项目类别": "产业", "计划总投资": "36000",
                          "建设地点": "京口区", "建设内容": "年产 5GWh 储能电池", "责任领导": "张三",
                          "行业领域": "能源", "建设性质": "新建"},
               {"项目代码": ("项目代码", "line"), "项目名称": ("项目名称", "line"), "项目业主": ("项目业主", "line"),
                "所属单位": ("所属单位", "choice"), "项目类别": ("项目类别", "choice"),
                "计划总投资": ("计划总投资", "amount"), "建设地点": ("建设地点", "line"),
                "建设内容": ("建设内容", "text"), "责任领导": ("责任领导", "line"),
                "行业领域": ("行业领域", "choice"), "建设性质": ("建设性质", "choice")},
               cli=lambda w: ["--kind", "projects"]),
    ImportSpec("units", "/reports/import/", lambda w: {"kind": "units"},
               ["单位名称", "类型", "上级单位", "简称", "行政区划代码"],
               lambda w: {"单位名称": "镇江新区", "类型": "开发区", "上级单位": "", "简称": "新区",
                          "行政区划代码": "321171"},
               {"单位名称": ("单位名称", "line"), "类型": ("类型", "choice"), "上级单位": ("上级单位", "choice"),
                "简称": ("简称", "line"), "行政区划代码": ("行政区划代码", "line")},
               cli=lambda w: ["--kind", "units"]),
    ImportSpec("lists", "/reports/import/", lambda w: {"kind": "lists"},
               ["清单名称", "年度", "级别/排序", "是否计入全部"],
               lambda w: {"清单名称": "省重大项目", "年度": "2024", "级别/排序": "1", "是否计入全部": "是"},
               {"清单名称": ("清单名称", "line"), "年度": ("年度", "int"), "级别/排序": ("级别/排序", "int"),
                "是否计入全部": ("是否计入全部", "choice")},
               cli=lambda w: ["--kind", "lists"]),
    ImportSpec("list", "/reports/import/",
               lambda w: {"kind": "list", "annual_list": _pk(w.lists["zhenjiang"]), "year": "2024"},
               ["项目代码", "项目名称", "年度计划投资", "计划新开工", "计划开工月份"],
               lambda w: {"项目代码": w.project("jk").code, "项目名称": w.project("jk").name, "年度计划投资": "5000",
                          "计划新开工": "否", "计划开工月份": ""},
               {"项目代码": ("项目代码", "line"), "年度计划投资": ("年度计划投资", "amount"),
                "计划新开工": ("计划新开工", "choice"), "计划开工月份": ("计划开工月份", "choice")},
               cli=lambda w: ["--kind", "list", "--list", "市重大项目", "--year", "2024"]),
    ImportSpec("leads", "/attraction/import/", lambda w: {"kind": "leads"},
               ["项目名称", "投资方", "投资方类型", "线索来源", "意向投资(万元)", "跟进单位", "日期", "国别/地区"],
               lambda w: {"项目名称": "京口区光伏组件项目", "投资方": "苏州光伏有限公司", "投资方类型": "民企",
                          "线索来源": "走访企业", "意向投资(万元)": "20000", "跟进单位": "京口区", "日期": "2024-04-02",
                          "国别/地区": "江苏"},
               {"项目名称": ("项目名称", "line"), "投资方": ("投资方", "line"), "投资方类型": ("投资方类型", "choice"),
                "线索来源": ("线索来源", "choice"), "意向投资(万元)": ("意向投资", "amount"),
                "跟进单位": ("单位", "choice"), "日期": ("日期", "date"), "国别/地区": ("国别/地区", "line")}),
    ImportSpec("contracts", "/attraction/import/", lambda w: {"kind": "contracts"},
               ["项目名称", "投资方", "投资方类型", "线索来源", "合同投资(万元)", "跟进单位", "日期", "项目代码", "项目类别"],
               lambda w: {"项目名称": "京口区新材料项目", "投资方": "无锡新材料有限公司", "投资方类型": "民企",
                          "线索来源": "走访企业", "合同投资(万元)": "30000", "跟进单位": "京口区", "日期": "2024-04-12",
                          "项目代码": "2024-321102-34-03-005555", "项目类别": "产业"},
               {"项目名称": ("项目名称", "line"), "合同投资(万元)": ("意向投资/合同投资", "amount"),
                "日期": ("日期", "date"), "项目代码": ("项目代码", "line"), "项目类别": ("项目类别", "choice")}),
]


def _import_params():
    for case_id, spec, header, label, kind, value in (c for s in IMPORTS for c in s.cases()):
        marks = ()
        if f"import-{case_id}" in NUMBER_CASES_FIXED_ELSEWHERE:
            marks = (pytest.mark.xfail(strict=True, reason="marked deliberately"),)
        yield pytest.param(spec, header, label, kind, value, id=case_id, marks=marks)


def _upload(client, spec, w, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, w, spec.role)
    return client.post(spec.url, {**spec.post(w), "commit": "1",
                                  "file": SimpleUploadedFile(f"{spec.kind}.csv", data, "text/csv")})


def _import_feedback(response) -> str:
    said = [feedback(response)]
    plan = (response.context or {}).get("plan") if response.context else None
    if plan is not None:
        said += [str(p) for p in getattr(plan, "errors", None) or getattr(plan, "problems", None) or []]
    return "\n".join(said)


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.kind) for s in IMPORTS])
def test_import_baseline_is_accepted(client, hw, spec):
    before = _counts()
    r = _upload(client, spec, hw, _csv(spec, hw))
    assert r.status_code in (200, 302), r.status_code
    assert _counts() != before, f"{spec.kind}: the baseline wrote nothing: {_import_feedback(r)[:800]}"


@pytest.mark.parametrize(("spec", "header", "label", "kind", "value"), list(_import_params()))
def test_hostile_cell_is_refused_by_the_import_page(client, hw, spec, header, label, kind, value):
    before = _counts()
    r = _upload(client, spec, hw, _csv(spec, hw, {header: value}))
    assert r.status_code < 500, r.status_code
    said = _import_feedback(r)
    written = _counts() != before
    if kind == "text" and value == LONG and written:
        _pages_ok(client, hw)
        return
    assert not written, f"{header}={value[:40]!r} was imported; said: {said[:300]}"
    assert _names(said, label), f"{header}={value[:40]!r}: the answer does not name {label}: {said[:600]}"


@pytest.mark.parametrize("spec", [pytest.param(s, id=s.kind) for s in IMPORTS if s.cli])
def test_hostile_cells_are_refused_by_the_command(hw, spec, tmp_path):
    """`tuijin import --kind …`: every hostile cell of the kind, one file each; exit status 2 and the field named,
    or (free text only) imported intact; never a traceback."""
    for case_id, _spec, header, label, kind, value in spec.cases():
        if f"import-{case_id}" in NUMBER_CASES_FIXED_ELSEWHERE:
            continue  # amounts too large / not finite: fixed on i15-amounts (the page cases above are xfail)
        path = tmp_path / f"{case_id}.csv"
        path.write_bytes(_csv(spec, hw, {header: value}))
        before, out, err = _counts(), io.StringIO(), io.StringIO()
        try:
            call_command("import", str(path), "--as", hw.users[spec.role].username, "--commit", *spec.cli(hw),
                         stdout=out, stderr=err)
        except CommandError as exc:
            assert getattr(exc, "returncode", 1) == 2, (case_id, exc)
            said = f"{exc}\n{err.getvalue()}"
            assert _counts() == before, case_id
            assert _names(said, label), f"{case_id}: {said[:400]}"
        else:
            assert kind == "text" and value == LONG, f"{case_id} was imported: {out.getvalue()[:300]}"
