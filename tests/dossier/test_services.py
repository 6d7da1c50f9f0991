"""审批要件 through dossier.services: the actor must be able to change the project (its district, its city), every
write is audited inside its transaction, and bad input is refused in Chinese naming the field and the value."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tuijin.audit.models import AuditEntry
from tuijin.core.errors import InputError
from tuijin.dossier.models import ApprovalDocument
from tuijin.dossier.services import add_approval, delete_approval, update_approval

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db
D = datetime.date


def pdf(name="批复.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def entries(doc):
    return list(
        AuditEntry.objects.filter(model="dossier.ApprovalDocument", object_id=str(doc.pk)).order_by(
            "id"
        )
    )


def test_the_district_adds_an_approval_with_its_file_and_the_trail_records_it(town):
    doc = add_approval(
        actor=town.east_admin,
        project=town.p,
        item="permit",
        number=" 东建施〔2024〕3号 ",
        issued_on="2024-01-20",
        issuer="东区住房和城乡建设局",
        file=pdf(),
    )
    doc.refresh_from_db()
    assert (doc.item, doc.number, doc.issued_on, doc.label) == (
        "permit",
        "东建施〔2024〕3号",
        D(2024, 1, 20),
        "施工许可",
    )
    assert (
        doc.file_name == "批复.pdf"
        and doc.file.read() == PDF_BYTES
        and doc.created_by == town.east_admin
    )
    (entry,) = entries(doc)
    assert (entry.action, entry.actor, entry.project_id) == ("create", town.east_admin, town.p.pk)
    assert entry.after["number"] == "东建施〔2024〕3号" and entry.after["issued_on"] == "2024-01-20"


def test_the_city_edits_and_deletes_with_the_before_and_after_audited(town):
    doc = add_approval(
        actor=town.admin, project=town.p, item="land", issued_on=D(2023, 6, 1), file=pdf()
    )
    stored = doc.file.name
    doc = update_approval(
        actor=town.admin,
        approval=doc,
        item="other",
        name="水土保持方案批复",
        number="东水保〔2023〕9号",
        issued_on=D(2023, 6, 2),
        remove_file=True,
        reason="更正日期",
    )
    assert doc.label == "水土保持方案批复" and not doc.file and doc.file_name == ""
    update = entries(doc)[-1]
    assert update.action == "update" and update.reason == "更正日期"
    assert (update.before["issued_on"], update.after["issued_on"]) == ("2023-06-01", "2023-06-02")
    assert update.before["file"] == stored and update.after["file"] == ""
    pk = doc.pk
    delete_approval(actor=town.admin, approval=doc, reason="重复登记")
    assert not ApprovalDocument.objects.filter(pk=pk).exists()
    deleted = AuditEntry.objects.filter(model="dossier.ApprovalDocument", object_id=str(pk)).latest(
        "id"
    )
    assert (deleted.action, deleted.reason, deleted.project_id) == ("delete", "重复登记", town.p.pk)
    assert deleted.before["name"] == "水土保持方案批复"


@pytest.mark.parametrize("who", ["leader", "reporter", "west_admin"])
def test_readers_reporters_and_other_districts_are_refused_and_nothing_is_written(town, who):
    actor = getattr(town, who)
    with pytest.raises(PermissionDenied):
        add_approval(actor=actor, project=town.p, item="permit", issued_on=D(2024, 1, 2))
    doc = add_approval(
        actor=town.east_admin, project=town.p, item="permit", issued_on=D(2024, 1, 2)
    )
    with pytest.raises(PermissionDenied):
        update_approval(actor=actor, approval=doc, item="land", issued_on=D(2024, 1, 3))
    with pytest.raises(PermissionDenied):
        delete_approval(actor=actor, approval=doc)
    assert ApprovalDocument.objects.get().item == "permit" and len(entries(doc)) == 1


def test_no_actor_is_refused(town):
    with pytest.raises(PermissionDenied):
        add_approval(actor=None, project=town.p, item="permit", issued_on=D(2024, 1, 2))


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"item": "拆迁许可"}, "item", ["审批事项未知", "'拆迁许可'"]),
        ({"issued_on": "2024-13-01"}, "issued_on", ["批复日期不是有效日期", "'2024-13-01'"]),
        ({"issued_on": "2099-01-01"}, "issued_on", ["批复日期 2099-01-01 在未来"]),
        ({"issued_on": "1900-01-01"}, "issued_on", ["批复日期 1900-01-01 早于"]),
        ({"issued_on": None}, "issued_on", ["请填写批复日期"]),
        ({"item": "other"}, "name", ["审批事项为「其他」时请填写要件名称"]),
        ({"number": "文" * 101}, "number", ["文号不能超过 100 个字"]),
        ({"issuer": "东区\u200b住建局"}, "issuer", ["发文机关"]),
    ],
)
def test_bad_input_is_refused_in_chinese_naming_the_field_and_value(town, fields, field, words):
    values = {"item": "permit", "issued_on": "2024-01-20", **fields}
    with pytest.raises(InputError) as exc:
        add_approval(actor=town.east_admin, project=town.p, **values)
    assert exc.value.field == field
    for w in words:
        assert w in exc.value.text
    assert (
        not ApprovalDocument.objects.exists()
        and not AuditEntry.objects.filter(model="dossier.ApprovalDocument").exists()
    )


def test_item_by_its_chinese_name(town):
    assert (
        add_approval(
            actor=town.east_admin, project=town.p, item="环评批复", issued_on=D(2024, 1, 2)
        ).item
        == "environment"
    )
    assert (
        add_approval(
            actor=town.east_admin, project=town.p, item="立项", issued_on=D(2024, 1, 2)
        ).item
        == "approval"
    )


def test_the_same_number_twice_on_a_project_is_refused(town):
    add_approval(
        actor=town.east_admin,
        project=town.p,
        item="permit",
        number="东建施〔2024〕3号",
        issued_on=D(2024, 1, 2),
    )
    with pytest.raises(InputError) as exc:
        add_approval(
            actor=town.east_admin,
            project=town.p,
            item="land",
            number="东建施〔2024〕3号",
            issued_on=D(2024, 1, 3),
        )
    assert exc.value.field == "number" and "东建施〔2024〕3号 已登记" in exc.value.text
    # another project may carry the same number (a joint approval)
    add_approval(
        actor=town.admin,
        project=town.q,
        item="permit",
        number="东建施〔2024〕3号",
        issued_on=D(2024, 1, 2),
    )


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("批复.pdf", b"<html><script>alert(1)</script></html>", ["批复.pdf 不是允许的附件类型"]),
        ("批复.jpg", PDF_BYTES, ["批复.jpg 的内容与扩展名不符", "PDF"]),
        ("程序.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", ["程序.exe 不是允许的附件类型"]),
    ],
)
def test_files_are_judged_by_their_bytes_like_every_attachment(town, name, content, words):
    with pytest.raises(InputError) as exc:
        add_approval(
            actor=town.east_admin,
            project=town.p,
            item="permit",
            issued_on=D(2024, 1, 2),
            file=SimpleUploadedFile(name, content),
        )
    assert exc.value.field == "file"
    for w in words:
        assert w in exc.value.text
    assert not ApprovalDocument.objects.exists()


def test_a_file_over_20_mb_is_refused(town):
    big = SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024))
    with pytest.raises(InputError) as exc:
        add_approval(
            actor=town.east_admin, project=town.p, item="permit", issued_on=D(2024, 1, 2), file=big
        )
    assert exc.value.field == "file" and "超过 20 MB" in exc.value.text
