"""The default sentences of a bulletin and the named figures each section offers to its templates.

Template syntax (docs/bulletins.md):
- `{name}` a figure of the sentence's section (FIGURES below); `{{` and `}}` print braces.
- `[ … ]` an optional clause: dropped when one of its figures is missing.
- A sentence is dropped when a figure outside the brackets is missing, or when no data figure is left
  (labels such as {period} or {area} alone never make a sentence). Nothing ever prints a hole or a zero.
"""

from .models import Section

# Labels: words that name the scope or period. They never make a sentence on their own.
LABELS = {
    "period": "期间, 如 1-5月、一季度",
    "year": "年份, 如 2024",
    "area": "范围: 全市 / 全区 / 全县 … (按通报单位的类型)",
    "unit_prefix": "所选板块的名称 (全市通报时为空)",
}

_PLAN = {
    "projects": "项目个数",
    "annual_plan_yi": "年度计划投资(亿元)",
    "completed_yi": "完成投资(亿元)",
    "completion_rate_pct": "年度投资完成率(%)",
    "schedule_share_pct": "序时进度(%)",
    "variance_word": "超 或 欠 (相对序时进度)",
    "variance_phrase": "超序时 或 欠序时 (按本单位口径的表述: 快于/慢于时间进度, 超进度/欠进度)",
    "variance_pp_abs": "超/欠序时的百分点(绝对值)",
    "completed_yoy_word": "完成投资同比: 增长 或 下降",
    "completed_yoy_abs": "完成投资同比增减(%, 绝对值)",
    "planned_new_starts": "计划新开工个数",
    "planned_new_starts_started": "计划新开工中已开工个数",
    "start_rate_pct": "开工率(%)",
    "planned_starts_to_date": "截至本月应开工个数",
    "planned_starts_to_date_started": "截至本月应开工中已开工个数",
    "start_rate_to_date_pct": "序时开工率(%)",
    "planned_completions": "计划竣工个数",
    "planned_completions_done": "计划竣工中已竣工个数",
    "planned_operations": "计划投产个数",
    "planned_operations_done": "计划投产中已投产个数",
    "half_and_half": "上半年完成率达50%时为“实现“双过半””, 否则缺失",
    "period_plan_rate_pct": "完成同期计划的比例(%)",
    "period_plan_word": "超 或 欠 (相对同期计划)",
    "period_plan_gap_yi": "超/欠同期计划的金额(亿元, 绝对值)",
}

_EVENT_UNIT = {
    "threshold_label": "门槛, 如 亿元以上",
    "category": "招引统计的类别, 如 产业",
}


def _events(prefix: str, label: str) -> dict[str, str]:
    return {
        f"{prefix}_count": f"{label}个数",
        f"{prefix}_total_yi": f"{label}项目计划总投资(亿元)",
        f"{prefix}_count_yoy_word": f"{label}个数同比: 增长 或 下降",
        f"{prefix}_count_yoy_abs": f"{label}个数同比增减(%, 绝对值)",
        f"{prefix}_total_yoy_word": f"{label}投资同比: 增长 或 下降",
        f"{prefix}_total_yoy_abs": f"{label}投资同比增减(%, 绝对值)",
        f"{prefix}_yoy_pair": f"{label}个数和投资的同比, 如 增长18.2%和10.3%、增长5.0%和下降2.1%",
        f"{prefix}_count_change_word": f"{label}个数同比: 增加 或 减少",
        f"{prefix}_count_change_abs": f"{label}个数同比增减个数(绝对值)",
    }


def _chain(prefix: str, label: str) -> dict[str, str]:
    return {
        f"{prefix}_label": f"{label}的称呼, 如 四大产业集群",
        f"{prefix}_sales_yi": f"{label}开票销售(亿元)",
        f"{prefix}_share_pct": f"{label}开票销售占规上工业的比例(%)",
        f"{prefix}_growth_word": f"{label}开票销售同比: 增长 或 下降",
        f"{prefix}_growth_abs": f"{label}开票销售同比增减(%, 绝对值)",
        f"{prefix}_gap_word": f"{label}增速: 高于 或 低于 规上工业增速",
        f"{prefix}_gap_abs": f"{label}增速与规上工业增速之差(百分点, 绝对值)",
    }


# The figures each section offers (name → meaning). Labels are in every section.
FIGURES: dict[str, dict[str, str]] = {
    Section.OVERVIEW: dict(_PLAN),
    Section.LISTS: {"list_name": "清单名称, 如 省重大项目", **_PLAN},
    Section.EVENTS: {
        **_EVENT_UNIT,
        **_events("signed", "新签约(所选类别)"), **_events("started", "新开工(所选类别)"),
        **_events("operating", "新投产(所选类别)"),
        **_events("all_signed", "新签约(全部类别)"), **_events("all_started", "新开工(全部类别)"),
        **_events("all_operating", "新投产(全部类别)"),
    },
    Section.UNIT_EVENTS: {
        "unit": "板块名称", **_EVENT_UNIT,
        **_events("signed", "新签约(所选类别)"), **_events("started", "新开工(所选类别)"),
        **_events("operating", "新投产(所选类别)"),
    },
    Section.RANKING: {
        "ranking": "各板块按年度投资完成率从高到低, 如 镇江新区(52.3%)、丹阳市(50.1%)",
        "units_count": "参与排名的板块个数",
        "top_unit": "完成率最高的板块",
        "top_rate_pct": "最高完成率(%)",
        "units_ahead": "超序时的板块名称",
        "units_ahead_count": "超序时的板块个数",
        "lagging_units": "低于序时进度的板块, 如 丹徒区(欠序时4.2个百分点; 表述按本单位口径)",
        "lagging_units_count": "低于序时进度的板块个数",
    },
    Section.LAGGING: {
        "list_name": "清单名称",
        "lagging_projects": "完成率低于序时进度的项目 (点名, 至多“点名项目数上限”个)",
        "lagging_projects_count": "完成率低于序时进度的项目个数",
        "not_started_projects": "已到计划开工月份尚未开工的项目 (点名)",
        "not_started_count": "已到计划开工月份尚未开工的项目个数",
    },
    Section.CHAINS: {
        "total_sales_yi": "规上工业开票销售(亿元)",
        "total_growth_word": "规上工业开票销售同比: 增长 或 下降",
        "total_growth_abs": "规上工业开票销售同比增减(%, 绝对值)",
        **_chain("clusters", "产业集群合计"), **_chain("chains", "产业链合计"),
    },
    Section.TARGETS: {
        "targets": "目标任务项数 (本单位及下属单位当年的全部目标)",
        "targets_met": "已完成的目标任务项数",
        "targets_behind_count": "进度滞后 (未完成且低于应完成进度) 的目标任务项数",
        "targets_behind_list": "进度滞后的目标任务, 如 甲区新签约项目个数、乙区到位资金",
        "target_unit": "目标任务的单位名称 (逐项句式)",
        "target_label": "目标任务的指标, 如 新签约项目个数、市重大项目计划新开工项目开工率",
        "target_above": "目标须超过目标值时为“超过”, 否则为空",
        "target_value": "目标值 (按指标单位, 城市口径的小数位)",
        "target_unit_label": "目标值的单位: 个、亿元 或 %",
        "target_actual": "截至期末的完成值",
        "target_progress_pct": "完成目标的比例(%)",
        "target_schedule_pct": "截至期末应完成的比例(%) (分月目标, 否则按完成时限均匀)",
        "target_status": "目标任务状态: 已完成 / 按进度 / 滞后",
    },
    Section.ATTRACTION: {
        "funds_arrived_yi": "到位资金(亿元)",
        "funds_by_source": "到位资金分来源, 如 境外0.3亿元（占27.3%）、市内县际0.4亿元（占36.4%） (城市配置的资金来源)",
        "big_arrived_yi": "亿元以上项目到位资金(亿元)",
        "big_share_pct": "亿元以上项目到位资金占比(%)",
        "tier_primary_share_pct": "一产项目到位资金占比(%)",
        "tier_secondary_share_pct": "二产项目到位资金占比(%)",
        "tier_tertiary_share_pct": "三产项目到位资金占比(%)",
        "source_name": "资金来源名称 (逐项句式, 有目标的来源)",
        "source_arrived_yi": "该来源到位资金(亿元)",
        "source_target_yi": "该来源目标(亿元)",
        "source_progress_pct": "完成该来源目标的比例(%)",
        "source_schedule_phrase": "超进度 / 欠进度 x个百分点 (相对城市序时进度)",
        "signed_projects": "当年签约项目个数",
        "performing_projects": "履约项目个数 (已注册、资金到位或已开工)",
        "performing_rate_pct": "履约率(%) = 履约项目 ÷ 签约项目",
    },
    Section.LIVELIHOOD: {
        "categories": "民生实事大类个数",
        "items": "民生实事件数",
        "done_count": "已完成年度目标的件数",
        "ahead_count": "超序时推进的件数",
        "on_schedule_count": "按序时推进的件数",
        "behind_count": "欠序时(滞后)的件数",
        "not_reported_count": "截至本期尚未报送进度的件数 (未报: 不计入欠序时)",
        "behind_items": "欠序时的事项名称",
        "item_name": "事项名称 (逐项句式)",
        "item_progress": "事项进展, 如 宫颈癌筛查4.01万人、乳腺癌筛查4.73万人",
        "item_rate_pct": "事项完成年度目标的比例(%)",
        "item_status": "事项状态: 已完成年度目标 / 超序时 / 按序时 / 欠序时",
    },
    Section.PROBLEMS: {
        "open_count": "未办结问题个数",
        "new_count": "本期新提出问题个数",
        "closed_count": "本期办结问题个数",
        "overdue_count": "超期问题个数",
        "overdue_problems": "超期问题 (点名)",
    },
    Section.EMPTY: {},
}

# Figures that name rather than measure (besides LABELS): a sentence of only these is dropped.
SECTION_LABELS = {"list_name", "unit", "threshold_label", "category", "item_name", "target_unit", "target_label",
                  "target_unit_label", "target_above", "source_name"}

SECTION_TITLES = {s.value: s.label for s in Section}
SECTION_TITLES.update({
    Section.OVERVIEW: "总体推进情况",
    Section.LISTS: "重点清单项目推进情况",
    Section.EVENTS: "项目招引落地情况",
    Section.UNIT_EVENTS: "各板块项目招引落地情况",
    Section.RANKING: "各板块投资完成情况",
    Section.LAGGING: "进度滞后项目",
    Section.CHAINS: "产业集群和产业链发展情况",
    Section.TARGETS: "目标任务完成情况",
    Section.ATTRACTION: "招商引资和资金到位情况",
    Section.LIVELIHOOD: "民生实事推进情况",
    Section.PROBLEMS: "问题协调情况",
})

# (key, section, order, text). The official register: full-width punctuation, figures then units.
DEFAULT_TEMPLATES: list[tuple[str, str, int, str]] = [
    ("overview.plan", Section.OVERVIEW, 10,
     "{period}，{area}纳入年度清单的重大项目{projects}个，年度计划投资{annual_plan_yi}亿元。"),
    ("overview.investment", Section.OVERVIEW, 20,
     "{area}重大项目累计完成投资{completed_yi}亿元，完成年度投资计划的{completion_rate_pct}%，"
     "{variance_phrase}{variance_pp_abs}个百分点[，同比{completed_yoy_word}{completed_yoy_abs}%]。"),
    ("overview.half", Section.OVERVIEW, 30, "{area}重大项目投资{half_and_half}目标。"),
    ("overview.starts", Section.OVERVIEW, 40,
     "{area}计划新开工项目{planned_new_starts}个，已开工{planned_new_starts_started}个，开工率{start_rate_pct}%。"),
    ("overview.period_plan", Section.OVERVIEW, 50,
     "完成同期计划的{period_plan_rate_pct}%，{period_plan_word}同期计划{period_plan_gap_yi}亿元。"),
    ("list.investment", Section.LISTS, 10,
     "{period}，{unit_prefix}{projects}个{list_name}完成投资{completed_yi}亿元，完成年度投资计划的"
     "{completion_rate_pct}%，{variance_phrase}{variance_pp_abs}个百分点。"),
    ("list.starts", Section.LISTS, 20,
     "{unit_prefix}{list_name}计划新开工{planned_new_starts}个，已开工{planned_new_starts_started}个"
     "[，开工率{start_rate_pct}%]。"),
    ("list.completions", Section.LISTS, 30,
     "{unit_prefix}{list_name}[计划竣工{planned_completions}个、已竣工{planned_completions_done}个，]"
     "[计划投产{planned_operations}个、已投产{planned_operations_done}个]。"),
    ("list.period_plan", Section.LISTS, 40,
     "{unit_prefix}{list_name}完成同期计划的{period_plan_rate_pct}%，{period_plan_word}同期计划"
     "{period_plan_gap_yi}亿元。"),
    ("events.all", Section.EVENTS, 10,
     "{period}，{area}{threshold_label}项目[新签约{all_signed_count}个、][新开工{all_started_count}个、]"
     "[新投产（投用）{all_operating_count}个]。"),
    ("events.signed", Section.EVENTS, 20,
     "{period}，{area}新签约{threshold_label}{category}项目{signed_count}个，计划总投资{signed_total_yi}亿元"
     "[，同比分别{signed_yoy_pair}]。"),
    ("events.started", Section.EVENTS, 30,
     "{area}新开工{threshold_label}{category}项目{started_count}个，计划总投资{started_total_yi}亿元"
     "[，同比分别{started_yoy_pair}]。"),
    ("events.operating", Section.EVENTS, 40,
     "{area}新投产（投用）{threshold_label}{category}项目{operating_count}个，计划总投资{operating_total_yi}亿元"
     "[，同比分别{operating_yoy_pair}]。"),
    ("unit_events.totals", Section.UNIT_EVENTS, 10,
     "{unit}{threshold_label}{category}项目[新签约{signed_count}个、计划总投资{signed_total_yi}亿元，]"
     "[新开工{started_count}个、计划总投资{started_total_yi}亿元，]"
     "[新投产{operating_count}个、计划总投资{operating_total_yi}亿元]。"),
    ("ranking.completion", Section.RANKING, 10,
     "按年度投资完成率排序，各板块依次为：{ranking}。"),
    ("ranking.ahead", Section.RANKING, 20,
     "超序时进度的板块有{units_ahead_count}个[：{units_ahead}]。"),
    ("ranking.lagging", Section.RANKING, 30,
     "完成率低于序时进度的板块有{lagging_units_count}个：{lagging_units}。"),
    ("lagging.projects", Section.LAGGING, 10,
     "{list_name}中，投资完成率低于序时进度的项目有{lagging_projects_count}个，主要是：{lagging_projects}。"),
    ("lagging.not_started", Section.LAGGING, 20,
     "{list_name}中，已到计划开工月份尚未开工的项目有{not_started_count}个：{not_started_projects}。"),
    ("chains.clusters", Section.CHAINS, 10,
     "{period}，{clusters_label}开票销售占规上工业的{clusters_share_pct}%，同比{clusters_growth_word}"
     "{clusters_growth_abs}%，{clusters_gap_word}规上工业增速{clusters_gap_abs}个百分点。"),
    ("chains.chains", Section.CHAINS, 20,
     "{chains_label}开票销售占规上工业的{chains_share_pct}%，同比{chains_growth_word}{chains_growth_abs}%，"
     "{chains_gap_word}规上工业增速{chains_gap_abs}个百分点。"),
    ("targets.summary", Section.TARGETS, 10,
     "{area}{year}年目标任务{targets}项[，已完成{targets_met}项][，{targets_behind_list}进度滞后]。"),
    ("targets.item", Section.TARGETS, 20,
     "{target_unit}{target_label}目标{target_above}{target_value}{target_unit_label}，"
     "完成{target_actual}{target_unit_label}，完成目标的{target_progress_pct}%。"),
    ("attraction.funds", Section.ATTRACTION, 10,
     "{period}，{area}招商引资到位资金{funds_arrived_yi}亿元[，其中{funds_by_source}]"
     "[；亿元以上项目到位资金{big_arrived_yi}亿元，占{big_share_pct}%]。"),
    ("attraction.tiers", Section.ATTRACTION, 20,
     "按三次产业分，一产、二产、三产项目到位资金分别占{tier_primary_share_pct}%、{tier_secondary_share_pct}%、"
     "{tier_tertiary_share_pct}%。"),
    ("attraction.source", Section.ATTRACTION, 30,
     "{source_name}资金到位{source_arrived_yi}亿元，完成目标任务的{source_progress_pct}%，{source_schedule_phrase}。"),
    ("attraction.performing", Section.ATTRACTION, 40,
     "{year}年签约项目{signed_projects}个，履约项目{performing_projects}个，履约率{performing_rate_pct}%。"),
    ("livelihood.summary", Section.LIVELIHOOD, 10,
     "{area}{categories}大类{items}件民生实事中，[已完成年度目标{done_count}件，][超序时推进{ahead_count}件，]"
     "[按序时推进{on_schedule_count}件，][欠序时{behind_count}件，][尚未报送进度{not_reported_count}件]。"),
    ("livelihood.item", Section.LIVELIHOOD, 20,
     "{item_name}：{item_progress}[，完成年度目标的{item_rate_pct}%]，{item_status}。"),
    ("livelihood.behind", Section.LIVELIHOOD, 30,
     "欠序时的事项：{behind_items}，提请分管领导研究调度。"),
    ("problems.summary", Section.PROBLEMS, 10,
     "{area}[本期新提出问题{new_count}个，][办结{closed_count}个，][尚未办结{open_count}个]。"),
    ("problems.overdue", Section.PROBLEMS, 20,
     "超期未办结的问题有{overdue_count}个：{overdue_problems}。"),
    ("empty.notice", Section.EMPTY, 10, "本期暂无数据。"),
]


# What each default sentence says, as the 通报句式 page names it (the key stays the sentence's identifier).
TEMPLATE_NAMES = {
    "overview.plan": "总体: 清单项目数与年度计划投资",
    "overview.investment": "总体: 完成投资与序时进度",
    "overview.half": "总体: 投资“双过半”",
    "overview.starts": "总体: 计划新开工与开工率",
    "overview.period_plan": "总体: 完成同期计划",
    "list.investment": "清单: 完成投资与序时进度",
    "list.starts": "清单: 计划新开工与开工率",
    "list.completions": "清单: 竣工与投产",
    "list.period_plan": "清单: 完成同期计划",
    "events.all": "招引: 新签约、新开工、新投产 (全部类别)",
    "events.signed": "招引: 新签约 (所选类别)",
    "events.started": "招引: 新开工 (所选类别)",
    "events.operating": "招引: 新投产 (所选类别)",
    "unit_events.totals": "各板块: 签约、开工、投产",
    "ranking.completion": "排名: 各板块完成率",
    "ranking.ahead": "排名: 超序时的板块",
    "ranking.lagging": "排名: 欠序时的板块",
    "lagging.projects": "滞后: 进度滞后项目",
    "lagging.not_started": "滞后: 应开未开项目",
    "chains.clusters": "产业: 产业集群",
    "chains.chains": "产业: 产业链",
    "targets.summary": "目标任务: 总体",
    "targets.item": "目标任务: 每项指标",
    "attraction.funds": "招商引资: 到位资金分来源与亿元以上项目",
    "attraction.tiers": "招商引资: 到位资金分三次产业",
    "attraction.source": "招商引资: 每个有目标的资金来源",
    "attraction.performing": "招商引资: 履约项目与履约率",
    "livelihood.summary": "民生实事: 总体",
    "livelihood.item": "民生实事: 每件实事",
    "livelihood.behind": "民生实事: 进度滞后",
    "problems.summary": "问题协调: 总体",
    "problems.overdue": "问题协调: 逾期问题",
    "empty.notice": "无数据时的说明",
}
