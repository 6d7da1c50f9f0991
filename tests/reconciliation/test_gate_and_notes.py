"""Notes on findings (audited, by the city administrator only) and the bulletin's issuance gate (签发)."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tuijin.audit.models import AuditEntry
from tuijin.bulletins.models import BulletinIssue
from tuijin.bulletins.services import issue_bulletin
from tuijin.core.errors import InputError
from tuijin.reconciliation.models import FindingNote, Gate, Rule
from tuijin.reconciliation.rules import reconcile
from tuijin.reconciliation.services import note_finding, save_settings


def note_all(t, status, skip=0):
    for f in reconcile(t["city"], 2024, 3).findings[skip:]:
        note_finding(
            actor=t["admin"],
            city=t["city"],
            year=2024,
            month=3,
            rule=f.rule,
            subject=f.subject,
            status=status,
            note="统计局下月更正",
        )


def test_explain_resolve_reopen_audited(imported):
    t, p = imported, imported["p"]
    note_finding(
        actor=t["admin"],
        city=t["city"],
        year=2024,
        month=3,
        rule=Rule.NOT_IN_STATS,
        subject=p[2].code,
        status="explained",
        note="已申报入库, 等待统计局审核",
    )
    r = reconcile(t["city"], 2024, 3)
    f = next(x for x in r.findings if x.subject == p[2].code)
    assert (f.status, f.note, r.open, r.explained) == (
        "explained",
        "已申报入库, 等待统计局审核",
        6,
        1,
    )
    assert reconcile(t["city"], 2024, 4).explained == 0  # a note is for its period
    note_finding(
        actor=t["admin"],
        city=t["city"],
        year=2024,
        month=3,
        rule=Rule.NOT_IN_STATS,
        subject=p[2].code,
        status="open",
        note="",
    )
    assert not FindingNote.objects.exists()
    actions = AuditEntry.objects.filter(model="reconciliation.FindingNote").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["create", "delete"]


def test_note_refusals(imported):
    t, p = imported, imported["p"]
    with pytest.raises(PermissionDenied):
        note_finding(
            actor=t["leader"],
            city=t["city"],
            year=2024,
            month=3,
            rule=Rule.NOT_IN_STATS,
            subject=p[2].code,
            status="explained",
            note="x",
        )
    with pytest.raises(InputError, match="请填写说明"):
        note_finding(
            actor=t["admin"],
            city=t["city"],
            year=2024,
            month=3,
            rule=Rule.NOT_IN_STATS,
            subject=p[2].code,
            status="explained",
            note=" ",
        )
    with pytest.raises(InputError, match="没有这条差异"):
        note_finding(
            actor=t["admin"],
            city=t["city"],
            year=2024,
            month=3,
            rule=Rule.NOT_IN_STATS,
            subject=p[1].code,
            status="explained",
            note="x",
        )


def test_issuing_through_the_gate(imported):
    """Gate 须已说明或已处理: 7 open → refused naming 7; 6 explained → 1 open, refused; all explained → issued;
    twice → refused. Gate 须全部处理完毕 for March: explained is not enough, resolved is."""
    t = imported
    save_settings(actor=t["admin"], city=t["city"], gate=Gate.EXPLAINED)
    with pytest.raises(InputError, match="尚有 7 条差异未处理"):
        issue_bulletin(actor=t["admin"], city=t["city"], year=2024, month=3)
    note_all(t, "explained", skip=1)
    with pytest.raises(InputError, match="尚有 1 条差异未处理 \\(共 7 条\\)"):
        issue_bulletin(actor=t["admin"], city=t["city"], year=2024, month=3)
    note_all(t, "explained")
    save_settings(actor=t["admin"], city=t["city"], gate=Gate.CLEAR)
    with pytest.raises(InputError, match="尚有 7 条差异未处理完毕 \\(未处理 0 条, 已说明 7 条"):
        issue_bulletin(actor=t["admin"], city=t["city"], year=2024, month=3)
    note_all(t, "resolved")
    issue_bulletin(actor=t["admin"], city=t["city"], year=2024, month=3)
    assert BulletinIssue.objects.filter(city=t["city"], year=2024, month=3).exists()
    with pytest.raises(InputError, match="已签发"):
        issue_bulletin(actor=t["admin"], city=t["city"], year=2024, month=3)
    with pytest.raises(PermissionDenied):
        issue_bulletin(actor=t["leader"], city=t["city"], year=2024, month=2)


def test_no_gate_and_no_statistics(town):
    """Without a rule the bulletin is issued whatever the findings; with one, a year without a statistics list is
    refused."""
    issue_bulletin(actor=town["admin"], city=town["city"], year=2024, month=3)
    save_settings(actor=town["admin"], city=town["city"], gate=Gate.EXPLAINED)
    with pytest.raises(InputError, match="尚未导入 2024 年的统计入库清单"):
        issue_bulletin(actor=town["admin"], city=town["city"], year=2024, month=2)


def test_settings_refusals(town):
    with pytest.raises(InputError, match="差异阈值"):
        save_settings(actor=town["admin"], city=town["city"], threshold_kind="pct", threshold="150")
    with pytest.raises(InputError, match="不是数字"):
        save_settings(actor=town["admin"], city=town["city"], threshold="五")
    s = save_settings(actor=town["admin"], city=town["city"], threshold_kind="wan", threshold="300")
    assert (s.threshold_kind, s.threshold) == ("wan", 300)


def test_cli_table_json_and_bad_threshold(imported):
    out = io.StringIO()
    call_command(
        "reconcile",
        "--city",
        "测试市",
        "--through",
        "2024-03",
        "--threshold",
        "40",
        "--json",
        stdout=out,
    )
    import json

    data = json.loads(out.getvalue())
    assert data["counts"] == {"total": 8, "open": 8, "explained": 0, "resolved": 0}
    assert data["threshold"] == {"kind": "wan", "value": 40, "text": "40 万元"}
    out = io.StringIO()
    call_command("reconcile", "--city", "测试市", "--through", "2024-03", stdout=out)
    assert "差异 7 条: 未处理 7" in out.getvalue() and "开工早于审批 (1)" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--threshold"):
        call_command("reconcile", "--city", "测试市", "--through", "2024-03", "--threshold", "五%")
    with pytest.raises(CommandError, match="城市不存在"):
        call_command("reconcile", "--city", "无此市", "--through", "2024-03")
