"""Demo: 镇江市's 2024 programme of livelihood items (民生实事), 12 categories and 40 items, built through the
services so that through May 2024 the platform reports what the bulletin did (reference A10–A13):
2 items completed, 2 ahead of schedule, 36 on schedule, and the parking item at 1113 of 2000 = 55.7%.

The three real items and their figures come from the reference: 两癌筛查 (cervical 4.01 万, breast 4.73 万
people screened, both ≥ target), 云影像平台 (10 functions delivered, 27 public hospitals connected) and
新增公共停车泊位 (1113 of 2000 by May). Their annual targets besides parking (4 万 screenings each, 27
hospitals), their plans, monthly paths and responsible leaders are assumptions consistent with those
figures. The other 37 items are synthetic, named with the 演示 marker and flagged is_demo.

Every report is entered as the lead department would (月度进展, January to May, confirmed by the city), plus
a few June reports waiting for review, with `today` set inside each month's reporting window."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from tuijin.orgs.models import OrgUnit, UnitKind
from tuijin.orgs.services import create_unit

from . import progress
from .models import ReportStatus
from .services import add_category, add_item, create_programme, save_progress, set_milestones

YEAR = 2024
THROUGH = 5  # the bulletin's month: 1-5月
DEMO = "（演示）"

CATEGORIES = ["教育提质", "健康服务", "养老托育", "就业增收", "社会保障", "住房改善", "交通出行", "生态环境",
              "文化体育", "食品安全", "平安建设", "便民服务"]
LEADERS = {"教育提质": "王副市长", "健康服务": "李副市长", "养老托育": "李副市长", "就业增收": "张副市长",
           "社会保障": "张副市长", "住房改善": "陈副市长", "交通出行": "陈副市长", "生态环境": "刘副市长",
           "文化体育": "王副市长", "食品安全": "刘副市长", "平安建设": "赵副市长", "便民服务": "赵副市长"}


@dataclass
class Spec:
    """One item of the demo: its target(s), plan and where it stands at the end of May."""

    category: str
    name: str
    lead: str
    targets: list[dict]  # {name?, quantity, unit} | {name?, deliverables} | {name?, kind: "policy"}
    done_may: list  # per target: cumulative done at the end of May (a count of deliverables for those)
    plan: dict | None = None  # {"by": "month"|"quarter", "basis": "pct"|"quantity", "points": {…}}
    start: int = 1
    deadline: int = 12
    cooperating: list[str] = field(default_factory=list)
    investment: int | None = None  # planned investment, 万元
    months: dict | None = None  # explicit path {month: [done per target]} (the real items)
    real: bool = False
    description: str = ""


CLOUD_FUNCTIONS = ["影像云存储", "检查结果互认共享", "影像调阅", "远程影像诊断", "数字胶片", "移动端查看",
                   "检查预约", "影像质控管理", "AI辅助诊断", "统计分析"]
ELDER_PLATFORM = ["老人电子档案", "紧急呼叫", "助餐预约", "上门服务派单", "服务质量评价", "补贴发放"]
ONE_THING = ["新生儿出生", "入学", "就业", "开办企业", "不动产登记", "退休", "身后", "企业注销"]

SPECS: list[Spec] = [
    # 教育提质
    Spec("教育提质", f"新建改扩建中小学和幼儿园{DEMO}", "教育局",
         [{"name": "新建改扩建学校", "quantity": 12, "unit": "所"}, {"name": "新增学位", "quantity": "1.2", "unit": "万个"}],
         [4, "0.36"], plan={"by": "quarter", "basis": "pct", "points": {1: 10, 2: 40, 3: 80, 4: 100}},
         cooperating=["自然资源和规划局", "住房和城乡建设局"], investment=86000),
    Spec("教育提质", f"校园食堂明厨亮灶智慧监管全覆盖{DEMO}", "教育局", [{"quantity": 120, "unit": "所"}], [50],
         cooperating=["市场监督管理局"], investment=1800),
    Spec("教育提质", f"中小学课后服务提质{DEMO}", "教育局", [{"kind": "policy"}], [50],
         plan={"by": "month", "basis": "pct", "points": {3: 30, 6: 60, 12: 100}}),
    Spec("教育提质", f"中小学生近视防控筛查{DEMO}", "教育局", [{"quantity": 20, "unit": "万人次"}], ["8.33"],
         cooperating=["卫生健康委员会"]),
    # 健康服务 (two real items)
    Spec("健康服务", "适龄妇女两癌免费筛查", "卫生健康委员会",
         [{"name": "宫颈癌筛查", "quantity": 4, "unit": "万人"}, {"name": "乳腺癌筛查", "quantity": 4, "unit": "万人"}],
         ["4.01", "4.73"], cooperating=["妇女联合会"], real=True,
         months={1: ["0.62", "0.71"], 2: ["1.35", "1.52"], 3: ["2.41", "2.83"], 4: ["3.36", "3.90"],
                 5: ["4.01", "4.73"]},
         description="为全市适龄妇女免费开展宫颈癌、乳腺癌筛查"),
    Spec("健康服务", "市级云影像平台建设", "卫生健康委员会",
         [{"name": "平台功能", "deliverables": CLOUD_FUNCTIONS}, {"name": "接入公立医院", "quantity": 27, "unit": "家"}],
         [10, 27], cooperating=["数据局"], real=True,
         months={1: [2, 5], 2: [4, 10], 3: [6, 16], 4: [8, 22], 5: [10, 27]},
         description="建成全市统一的医学影像云平台, 实现检查影像云端存储、互认共享"),
    Spec("健康服务", f"基层医疗卫生机构服务能力提升{DEMO}", "卫生健康委员会", [{"quantity": 30, "unit": "家"}], [15],
         deadline=10, investment=12000),
    Spec("健康服务", f"家庭医生签约服务扩面{DEMO}", "卫生健康委员会", [{"quantity": 5, "unit": "万人"}], ["2.08"],
         cooperating=["医疗保障局"]),
    # 养老托育
    Spec("养老托育", f"新增养老机构床位{DEMO}", "民政局", [{"quantity": 600, "unit": "张"}], [200],
         plan={"by": "quarter", "basis": "quantity", "points": {1: 100, 2: 250, 3: 450, 4: 600}}, investment=9000),
    Spec("养老托育", f"建设社区嵌入式养老服务中心{DEMO}", "民政局", [{"quantity": 15, "unit": "个"}], [6]),
    Spec("养老托育", f"智慧养老服务平台{DEMO}", "民政局", [{"deliverables": ELDER_PLATFORM, "unit": "项功能"}], [2],
         plan={"by": "quarter", "basis": "quantity", "points": {1: 0, 2: 3, 3: 5, 4: 6}}, cooperating=["数据局"],
         investment=800),
    Spec("养老托育", f"普惠托育机构建设{DEMO}", "卫生健康委员会", [{"quantity": 1500, "unit": "个托位"}], [625]),
    # 就业增收
    Spec("就业增收", f"城镇新增就业{DEMO}", "人力资源和社会保障局", [{"quantity": "4.6", "unit": "万人"}], ["1.92"]),
    Spec("就业增收", f"开展职业技能培训{DEMO}", "人力资源和社会保障局", [{"quantity": 6, "unit": "万人次"}], ["2.70"],
         plan={"by": "month", "basis": "pct",
               "points": {1: 5, 2: 10, 3: 25, 4: 35, 5: 45, 6: 55, 7: 60, 8: 65, 9: 75, 10: 85, 11: 95, 12: 100}}),
    Spec("就业增收", f"建设15分钟就业服务圈{DEMO}", "人力资源和社会保障局", [{"quantity": 40, "unit": "个"}], [17]),
    # 社会保障
    Spec("社会保障", f"困难群众医疗救助一站式结算{DEMO}", "医疗保障局", [{"kind": "policy"}], ["62.5"],
         plan={"by": "month", "basis": "pct", "points": {4: 50, 8: 100}}, cooperating=["民政局"]),
    Spec("社会保障", f"残疾儿童康复救助{DEMO}", "残疾人联合会", [{"quantity": 3000, "unit": "人次"}], [1250]),
    Spec("社会保障", f"长期护理保险扩面{DEMO}", "医疗保障局", [{"kind": "policy"}], [40]),
    # 住房改善
    Spec("住房改善", f"城镇老旧小区改造{DEMO}", "住房和城乡建设局", [{"quantity": 60, "unit": "个"}], [16],
         plan={"by": "quarter", "basis": "pct", "points": {1: 10, 2: 35, 3: 70, 4: 100}}, investment=42000),
    Spec("住房改善", f"既有住宅加装电梯{DEMO}", "住房和城乡建设局", [{"quantity": 150, "unit": "台"}], [63],
         investment=6000),
    Spec("住房改善", f"筹集保障性租赁住房{DEMO}", "住房和城乡建设局", [{"quantity": 3000, "unit": "套"}], [1250]),
    # 交通出行 (one real item: parking, ahead of its plan)
    Spec("交通出行", "新增公共停车泊位", "住房和城乡建设局", [{"quantity": 2000, "unit": "个"}], [1113],
         plan={"by": "quarter", "basis": "quantity", "points": {1: 400, 2: 900, 3: 1500, 4: 2000}},
         cooperating=["公安局", "自然资源和规划局"], real=True,
         months={1: [180], 2: [352], 3: [621], 4: [890], 5: [1113]},
         description="在老城区、医院和学校周边新增公共停车泊位"),
    Spec("交通出行", f"新辟优化公交线路{DEMO}", "交通运输局", [{"quantity": 20, "unit": "条"}], [6], start=3),
    Spec("交通出行", f"农村公路提档升级{DEMO}", "交通运输局", [{"quantity": 150, "unit": "公里"}], [45],
         plan={"by": "quarter", "basis": "quantity", "points": {1: 15, 2: 60, 3: 110, 4: 150}}, investment=30000),
    # the synthetic item ahead of schedule (56% against 41.67%)
    Spec("交通出行", f"新建公共充电桩{DEMO}", "发展和改革委员会", [{"quantity": 1000, "unit": "个"}], [560],
         cooperating=["住房和城乡建设局"], investment=5000),
    # 生态环境
    Spec("生态环境", f"城市黑臭水体整治{DEMO}", "生态环境局", [{"quantity": 8, "unit": "条"}], [2],
         plan={"by": "quarter", "basis": "quantity", "points": {1: 0, 2: 3, 3: 6, 4: 8}}, cooperating=["水利局"],
         investment=16000),
    Spec("生态环境", f"新建城市口袋公园{DEMO}", "自然资源和规划局", [{"quantity": 30, "unit": "个"}], [12],
         cooperating=["城市管理局"], investment=4500),
    Spec("生态环境", f"农村生活污水治理{DEMO}", "生态环境局", [{"quantity": 200, "unit": "个村"}], [80],
         start=2, deadline=11, cooperating=["农业农村局"]),
    # 文化体育
    Spec("文化体育", f"新建改建城市书房{DEMO}", "文化广电和旅游局", [{"quantity": 12, "unit": "个"}], [4],
         plan={"by": "quarter", "basis": "quantity", "points": {1: 2, 2: 5, 3: 9, 4: 12}}),
    Spec("文化体育", f"文艺演出送戏下乡{DEMO}", "文化广电和旅游局", [{"quantity": 600, "unit": "场"}], [250]),
    Spec("文化体育", f"新建改造全民健身设施{DEMO}", "体育局", [{"quantity": 100, "unit": "处"}], [42],
         investment=3000),
    # 食品安全
    Spec("食品安全", f"食品安全监督抽检{DEMO}", "市场监督管理局", [{"quantity": "1.2", "unit": "万批次"}], ["0.50"]),
    Spec("食品安全", f"农贸市场标准化改造{DEMO}", "商务局", [{"quantity": 20, "unit": "个"}], [0], start=7,
         investment=4000),
    Spec("食品安全", f"校园周边食品安全专项整治{DEMO}", "市场监督管理局", [{"kind": "policy"}], [42],
         plan={"by": "quarter", "basis": "pct", "points": {1: 25, 2: 50, 3: 75, 4: 100}}, cooperating=["教育局"]),
    # 平安建设
    Spec("平安建设", f"老旧小区技防设施升级{DEMO}", "公安局", [{"quantity": 100, "unit": "个"}], [42]),
    Spec("平安建设", f"电动自行车集中充电设施建设{DEMO}", "应急管理局", [{"quantity": 5000, "unit": "个"}], [2100],
         cooperating=["住房和城乡建设局"]),
    Spec("平安建设", f"反电信网络诈骗宣传进社区{DEMO}", "公安局", [{"kind": "policy"}], [42]),
    # 便民服务
    Spec("便民服务", f"政务服务一件事集成办理{DEMO}", "政务服务管理办公室",
         [{"deliverables": ONE_THING, "unit": "件"}], [5],
         plan={"by": "quarter", "basis": "quantity", "points": {1: 3, 2: 6, 3: 7, 4: 8}}, cooperating=["数据局"]),
    Spec("便民服务", f"生活垃圾分类小区全覆盖{DEMO}", "城市管理局", [{"quantity": 300, "unit": "个"}], [125]),
    Spec("便民服务", f"困难老年人家庭适老化改造{DEMO}", "民政局", [{"quantity": 1000, "unit": "户"}], [417]),
]

# A few June reports left waiting for the city's review (so the review queue has something to show).
JUNE_SUBMITTED = [f"校园食堂明厨亮灶智慧监管全覆盖{DEMO}", f"既有住宅加装电梯{DEMO}", f"文艺演出送戏下乡{DEMO}"]


def _round(value: Decimal, like) -> Decimal:
    """A path value with the precision of the May value (whole units, or two decimals for 万人 …)."""
    places = Decimal("0.01") if "." in str(like) else Decimal(1)
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _plan_share(spec: Spec, month: int, target_quantity: Decimal) -> Decimal:
    if not spec.plan:
        return progress.linear_share(month, spec.start, spec.deadline)
    points = spec.plan["points"]
    nodes = {}
    for key, value in points.items():
        m = 3 * key if spec.plan["by"] == "quarter" else key
        v = Decimal(str(value))
        nodes[m] = v / Decimal(100) if spec.plan["basis"] == "pct" else v / target_quantity
    return progress.node_share(nodes, month)


def _path(spec: Spec) -> dict[int, list]:
    """Cumulative done per month (1-5), following the plan's shape and ending at the May figure."""
    if spec.months:
        return spec.months
    path: dict[int, list] = {}
    for i, t in enumerate(spec.targets):
        quantity = Decimal(len(t["deliverables"])) if "deliverables" in t else Decimal(str(t.get("quantity", 100)))
        may = Decimal(str(spec.done_may[i]))
        at_may = _plan_share(spec, THROUGH, quantity)
        for month in range(1, THROUGH + 1):
            share = _plan_share(spec, month, quantity)
            value = may if month == THROUGH else (may * share / at_may if at_may else Decimal(0))
            path.setdefault(month, []).append(_round(min(value, may), spec.done_may[i]))
    return path


def _department(city: OrgUnit, departments: dict[str, OrgUnit], short: str, actor) -> OrgUnit:
    """The city's department by its short name (发展和改革委员会), created under the city when missing."""
    if short not in departments:
        full = f"{city.name}{short}"
        departments[short] = (OrgUnit.objects.filter(parent=city, name=full).first()
                              or create_unit(name=full, kind=UnitKind.DEPARTMENT, parent=city, actor=actor))
    return departments[short]


def _values(spec: Spec, done: list) -> tuple[dict, dict]:
    """(done, delivered) for save_progress from one month's figures."""
    named = len(spec.targets) > 1 or bool(spec.targets[0].get("name"))
    done_map, delivered_map = {}, {}
    for t, value in zip(spec.targets, done, strict=True):
        key = t.get("name", "") if named else None
        if "deliverables" in t:
            chosen = t["deliverables"][:int(value)]
            if named:
                delivered_map[key] = chosen
            else:
                delivered_map = chosen
        elif named:
            done_map[key] = value
        else:
            done_map = value
    return (done_map if done_map != {} else None), (delivered_map if delivered_map != {} else None)


@transaction.atomic
def build_livelihood_demo(*, city: OrgUnit, departments: dict[str, OrgUnit] | None = None, actor=None):
    """Build 镇江市's 2024 livelihood programme (12 categories, 40 items) with its reports through June.
    `departments` maps short names (教育局) to the city's department units; missing ones are created. Written as
    `actor`, by default the demo's named system actor (services refuse a write without one)."""
    if actor is None:
        from tuijin.accounts.services import system_actor

        actor = system_actor("演示数据")
    departments = dict(departments or {})
    programme = create_programme(unit=city, year=YEAR, name=f"{YEAR}年{city.name}民生实事项目", actor=actor,
                                 is_demo=True)
    for category in CATEGORIES:
        add_category(programme=programme, name=category, actor=actor)
    items = []
    for spec in SPECS:
        single = spec.targets[0] if len(spec.targets) == 1 and not spec.targets[0].get("name") else None
        kwargs = {}
        if single is None:
            kwargs["sub_items"] = [{k: (str(v) if k == "quantity" else v) for k, v in t.items()} for t in spec.targets]
        elif "deliverables" in single:
            kwargs.update(deliverables=single["deliverables"], unit=single.get("unit", "项"))
        elif single.get("kind") == "policy":
            kwargs["kind"] = "policy"
        else:
            kwargs.update(quantity=str(single["quantity"]), unit=single["unit"])
        item = add_item(
            programme=programme, category=spec.category, name=spec.name,
            lead_unit=_department(city, departments, spec.lead, actor),
            cooperating_units=[_department(city, departments, c, actor) for c in spec.cooperating],
            responsible_leader=LEADERS[spec.category], description=spec.description or spec.name.replace(DEMO, ""),
            planned_investment=spec.investment, start_month=spec.start, deadline_month=spec.deadline,
            is_demo=not spec.real, actor=actor, **kwargs)
        if spec.plan:
            set_milestones(item=item, points=spec.plan["points"], by=spec.plan["by"], basis=spec.plan["basis"],
                           actor=actor, reason="演示: 节点计划")
        items.append((spec, item))

    for spec, item in items:
        path = _path(spec)
        share_by_month = {}
        for month in range(1, THROUGH + 1):
            done, delivered = _values(spec, path[month])
            investment = None
            if spec.investment:
                # Investment follows the item's slowest target, a little behind it.
                fractions = [Decimal(str(v)) / (Decimal(len(t["deliverables"])) if "deliverables" in t
                                                 else Decimal(str(t.get("quantity", 100))))
                             for t, v in zip(spec.targets, path[month], strict=True)]
                share_by_month[month] = min(fractions)
                investment = (Decimal(spec.investment) * share_by_month[month] * Decimal("0.9")).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP)
            save_progress(item=item, year=YEAR, month=month, done=done, delivered=delivered,
                          investment_ytd=investment, status=ReportStatus.ACCEPTED, actor=actor,
                          progress_text=_text(spec, month), today=datetime.date(YEAR, month + 1, 1))
        if spec.name in JUNE_SUBMITTED:
            june = [_round(Decimal(str(v)) * Decimal("1.15"), v) for v in path[THROUGH]]
            done, delivered = _values(spec, june)
            save_progress(item=item, year=YEAR, month=6, done=done, delivered=delivered,
                          status=ReportStatus.SUBMITTED, actor=actor, progress_text=_text(spec, 6),
                          today=datetime.date(YEAR, 7, 1))
    return programme


def _text(spec: Spec, month: int) -> str:
    if spec.real:
        return {"适龄妇女两癌免费筛查": "各医疗机构按计划开展筛查, 进度快于预期",
                "市级云影像平台建设": "平台功能按期上线, 公立医院陆续接入",
                "新增公共停车泊位": "利用边角地、闲置地建设公共停车场, 施划路内泊位"}.get(spec.name, "")
    return f"{month}月: 按节点计划推进 (演示数据)"
