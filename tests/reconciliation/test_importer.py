"""The statistics and approval imports: both layouts, header detection, preview, all or nothing, and bad input
named by sheet, row, column and value in Chinese."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.reconciliation.conftest import approvals_csv, csv_bytes, statistics_csv
from tuijin.core.errors import InputError
from tuijin.reconciliation import importer
from tuijin.reconciliation.models import ApprovalRecord, StatisticsEntry, StatisticsMonth


def plan(town, rows_or_bytes, kind=importer.KIND_STATISTICS, **kw):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else csv_bytes(rows_or_bytes)
    return importer.plan_file(user=town["admin"], data=data, filename="t.csv", kind=kind, **kw)


def months_of(project):
    return {m.month: m.amount for m in StatisticsMonth.objects.filter(entry__project=project)}


def test_wide_layout_preview_commit_and_again(town):
    """Title gives 2024; the 合计 row is skipped; 7 projects new; nothing written before the commit; the same
    file again changes nothing; P1's months 100, 200, 300, 5."""
    p = town["p"]
    first = plan(town, statistics_csv(p))
    assert first.ok and first.years == [2024] and first.created == 7 and first.skipped == 1
    assert not StatisticsEntry.objects.exists()
    importer.commit_file(user=town["admin"], plan=first)
    assert months_of(p[1]) == {1: 100, 2: 200, 3: 300, 4: 5}
    again = plan(town, statistics_csv(p))
    assert again.ok and not again.changes and again.unchanged == 7


def test_long_layout_gives_the_same(town):
    """年 / 月 / 金额, one row per month, matched by name when the code is blank."""
    p = town["p"]
    rows = [
        ["项目代码", "项目名称", "入库状态", "年", "月", "统计完成投资(万元)"],
        [p[1].code, "", "已入库", 2024, 1, 100],
        ["", p[1].name, "已入库", "2024年", "2月", 200],
        [p[1].code, p[1].name, "已入库", 2024, 3, 300],
    ]
    result = plan(town, rows)
    assert result.ok, [str(e) for e in result.errors]
    importer.commit_file(user=town["admin"], plan=result)
    assert months_of(p[1]) == {1: 100, 2: 200, 3: 300}


def test_amounts_in_yi_by_the_header(town):
    p = town["p"]
    result = plan(
        town, [["项目代码", "入库状态", "1月(亿元)"], [p[1].code, "已入库", "0.01"]], year=2024
    )
    importer.commit_file(user=town["admin"], plan=result)
    assert months_of(p[1]) == {1: 100}


def test_a_project_left_out_is_removed_and_an_unknown_code_skipped(town):
    """The list is the bureau's whole list for the year: P3 missing from the second file → 删除; a code the city
    does not have → skipped with a note (no error)."""
    p = town["p"]
    importer.commit_file(user=town["admin"], plan=plan(town, statistics_csv(p)))
    second = plan(
        town,
        [
            ["项目代码", "入库状态", "1月"],
            [p[1].code, "已入库", 100],
            ["2024-999999-99-99-99999X", "已入库", 5],
        ],
        year=2024,
    )
    assert second.ok and second.removed == 6 and second.skipped == 1
    assert any("不在本市项目库中" in n for n in second.notes)
    importer.commit_file(user=town["admin"], plan=second)
    assert list(StatisticsEntry.objects.values_list("project_id", flat=True)) == [p[1].pk]


def test_wrong_header(town):
    result = plan(town, [["项目代码", "项目名称", "完成投资"], [town["p"][1].code, "x", 5]])
    assert not result.ok
    assert "找不到表头" in result.errors[0].reason and "入库状态" in result.errors[0].reason


def test_bad_month_cell_and_header(town):
    """月 13 in C3 of a long table; a “13月” column header."""
    p = town["p"]
    long = plan(
        town,
        [
            ["项目代码", "入库状态", "年", "月", "金额"],
            [p[1].code, "已入库", 2024, 1, 5],
            [p[1].code, "已入库", 2024, 13, 5],
        ],
    )
    assert [str(e) for e in long.errors] == [
        "工作表“t.csv”第 3 行 D 列「月份」 (值: '13'): 月份应为 1-12"
    ]
    wide = plan(
        town, [["项目代码", "入库状态", "1月", "13月"], [p[1].code, "已入库", 5, 6]], year=2024
    )
    assert any("13月" in str(e) and "表头的月份应在 1-12 之间" in str(e) for e in wide.errors)


def test_non_number_amount_names_the_cell(town):
    p = town["p"]
    result = plan(
        town,
        [
            ["2024年入库清单"],
            ["项目代码", "入库状态", "1月", "2月"],
            [p[1].code, "已入库", 5, "五百"],
            [p[4].code, "已入库", "-3", ""],
        ],
    )
    assert [str(e) for e in result.errors] == [
        "工作表“t.csv”第 3 行 D 列「2月统计完成投资」 (值: '五百'): 2月统计完成投资不是数字",
        "工作表“t.csv”第 4 行 C 列「1月统计完成投资」 (值: '-3'): 1月统计完成投资不能为负数",
    ]
    with pytest.raises(InputError, match="2 处错误, 未导入任何数据"):
        importer.commit_file(user=town["admin"], plan=result)
    assert not StatisticsEntry.objects.exists()


def test_status_year_and_duplicates(town):
    p = town["p"]
    result = plan(
        town,
        [
            ["项目代码", "入库状态", "1月"],
            [p[1].code, "入了", 5],
            [p[4].code, "", 5],
            [p[5].code, "已入库", 5],
        ],
    )
    reasons = [e.reason for e in result.errors]
    assert reasons[0].startswith("入库状态无法识别, 应为: 已入库、待入库、未入库、已退库")
    assert reasons[1] == "入库状态不能为空"
    assert "无法确定年度" in reasons[2]
    twice = plan(
        town,
        [["项目代码", "入库状态", "1月"], [p[1].code, "已入库", 5], [p[1].code, "已入库", 6]],
        year=2024,
    )
    assert "2024 年数据在第 2 行已出现" in twice.errors[0].reason


def test_approvals_both_layouts_and_bad_dates(town):
    p = town["p"]
    ok = plan(town, approvals_csv(p), importer.KIND_APPROVALS)
    assert ok.ok and ok.created == 4
    importer.commit_file(user=town["admin"], plan=ok)
    assert ApprovalRecord.objects.count() == 4
    per_kind = plan(
        town,
        [
            ["项目代码", "核准日期", "备案日期", "批复文号"],
            [p[9].code, "", "2024-03-15", "测发改备〔2024〕1号"],
        ],
        importer.KIND_APPROVALS,
    )
    assert per_kind.ok and per_kind.unchanged == 1 and per_kind.removed == 3
    bad = plan(
        town,
        [
            ["项目代码", "审批类型", "审批日期", "审批文号"],
            [p[9].code, "许可", "2024-02-30", "x"],
            [p[10].code, "核准", "2999-01-01", "y"],
        ],
        importer.KIND_APPROVALS,
    )
    assert [str(e) for e in bad.errors][:2] == [
        "工作表“t.csv”第 2 行 B 列「审批类型」 (值: '许可'): 审批类型无法识别, 应为: 审批、核准、备案",
        "工作表“t.csv”第 2 行 C 列「审批日期」 (值: '2024-02-30'): 审批日期不是有效日期 (应如 2024-03-15)",
    ]
    assert "在未来" in str(bad.errors[2])


def test_detects_the_kind(town):
    assert importer.detect_kind(statistics_csv(town["p"]), "s.csv") == importer.KIND_STATISTICS
    assert importer.detect_kind(approvals_csv(town["p"]), "a.csv") == importer.KIND_APPROVALS
    assert (
        importer.detect_kind(csv_bytes([["项目代码", "当月完成投资"], ["x", 1]]), "r.csv") is None
    )


def test_only_the_city_administrator_imports(town):
    for who in ("leader", "district"):
        with pytest.raises(PermissionDenied):
            importer.plan_file(user=town[who], data=statistics_csv(town["p"]), filename="s.csv")


def test_tuijin_import_dispatches_both_kinds(town, tmp_path):
    """`tuijin import FILE --as USER` recognises the statistics list and the approval export by their headers
    (or --kind), previews, and writes with --commit; a bad cell is one line per problem and exit status 2."""
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    p = town["p"]
    stats, approvals = tmp_path / "s.csv", tmp_path / "a.csv"
    stats.write_bytes(statistics_csv(p))
    approvals.write_bytes(approvals_csv(p))
    out = io.StringIO()
    call_command("import", str(stats), "--as", "recon_admin", stdout=out)
    assert "统计入库清单 (2024年): 将新增 7 个" in out.getvalue() and "预览完毕" in out.getvalue()
    assert not StatisticsEntry.objects.exists()
    call_command("import", str(stats), "--as", "recon_admin", "--commit", stdout=io.StringIO())
    call_command(
        "import",
        str(approvals),
        "--as",
        "recon_admin",
        "--kind",
        "approvals",
        "--commit",
        stdout=io.StringIO(),
    )
    assert (StatisticsEntry.objects.count(), ApprovalRecord.objects.count()) == (7, 4)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["项目代码", "入库状态", "1月"], [p[1].code, "已入库", "x"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误"):
        call_command(
            "import",
            str(bad),
            "--as",
            "recon_admin",
            "--kind",
            "statistics",
            "--year",
            "2024",
            stderr=err,
        )
    assert "B 列" not in err.getvalue() and "C 列「1月统计完成投资」" in err.getvalue()
