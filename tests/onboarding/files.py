"""The spreadsheets a new city's 重大办 brings on its first day (docs/new-city.md): its org tree, its lists, its
project registry, and the clerk's own 1-4月进展情况表 (title, 单位 line, two-row header, 小计/合计, no code column)."""

from openpyxl import Workbook

UNITS = [["单位名称", "类型", "上级单位", "简称", "行政区划代码"],
         ["东湖区", "区", "", "东湖", "530902"],
         ["西山县", "县", "", "西山", "530921"],
         ["东湖高新园", "园区", "东湖区", "高新园", ""],
         ["发展和改革委员会", "部门", "", "发改委", ""]]

LISTS = [["清单名称", "年度", "级别/排序", "是否计入全部", "简称"],
         ["市重大项目", "2024", 1, "是", "市重大"],
         ["县区重点项目", "2024", 2, "是", "县区重点"]]

PROJECTS = [["项目代码", "项目名称", "所属单位", "项目类别", "计划总投资(万元)", "行业领域", "建设性质", "签约日期",
             "开工日期"],
            ["QH-2024-001", "青禾大道快速化改造", "东湖区", "基础设施", 120000, "交通", "续建", "2023-06-01",
             "2023-09-15"],
            ["QH-2024-002", "西山抽水蓄能电站", "西山县", "基础设施", 800000, "能源", "新建", "2024-01-10",
             "2024-03-15"],
            ["QH-2024-003", "高新园智能装备产业园", "东湖高新园", "产业", 60000, "工业科技", "新建", "2024-02-20", ""]]


def _save(rows, path) -> None:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)


def write_clerk_table(path) -> None:
    """2024年青禾市重点项目1-4月进展情况表, as the districts send it: no project code, 县（市、区）, 单位：万元,
    a two-row header, group headings, 小计 and 合计 rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "1-4月"
    ws.append(["2024年青禾市重点项目1-4月进展情况表"])
    ws.merge_cells("A1:G1")
    ws.append(["单位：万元"])
    ws.append(["序号", "县（市、区）", "项目名称", "总投资", "2024年计划投资", "1-4月完成投资", "形象进度"])
    ws.append([None, None, None, None, None, "累计", None])
    for col in "ABCDEG":
        ws.merge_cells(f"{col}3:{col}4")
    ws.append(["一、东湖区"])
    ws.append([1, "东湖区", "青禾大道快速化改造", 120000, 30000, 11000, "主线桥梁施工"])
    ws.append([2, "东湖区", "高新园智能装备产业园", 60000, 20000, 0, "完成土地摘牌"])
    ws.append(["小计", None, None, 180000, 50000, 11000, None])
    ws.append(["二、西山县"])
    ws.append([3, "西山县", "西山抽水蓄能电站", 800000, 100000, 26000, "地下厂房开挖"])
    ws.append(["合计", None, None, 980000, 150000, 37000, None])
    wb.save(path)


def write_all(folder) -> dict:
    paths = {name: folder / f"{name}.xlsx" for name in ("units", "lists", "projects", "clerk")}
    _save(UNITS, paths["units"])
    _save(LISTS, paths["lists"])
    _save(PROJECTS, paths["projects"])
    write_clerk_table(paths["clerk"])
    return paths
