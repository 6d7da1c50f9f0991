"""The dossier's own pages: 审批要件 added, edited and deleted (the project's writers), its file served after the
scope check, and the one-page A4 summary as .docx and PDF. The dossier itself is the project page
(tuijin.web.views.project_detail, which reads dossier.selectors)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tuijin.core.documents import PDF_MISSING, pdf_converter
from tuijin.core.errors import InputError
from tuijin.core.files import file_response
from tuijin.core.numbers import NumberStyle
from tuijin.core.policy import READ, WRITE, requires
from tuijin.projects import scoping

from . import documents, selectors, services
from .forms import ApprovalForm, DeleteForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _apply(form, exc: InputError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.text)


def _back(project) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("project_detail", args=[project.pk]) + "#approvals")


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def approval_create(request, pk: int):
    project = scoping.get_project_or_404(request.user, pk, scoping.WRITE)
    form = ApprovalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = services.add_approval(
                actor=request.user,
                project=project,
                item=d["item"],
                name=d["name"],
                number=d["number"],
                issued_on=d["issued_on"],
                issuer=d["issuer"],
                note=d["note"],
                file=d.get("file"),
            )
        except InputError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"已登记审批要件: {doc.label}")
            return _back(project)
    return render(
        request,
        "dossier/approval_form.html",
        {"form": form, "project": project, "doc": None},
        status=400 if form.is_bound else 200,
    )


@requires(WRITE)
@require_http_methods(["GET", "POST"])
def approval_edit(request, approval_id: int):
    doc = selectors.get_approval_or_404(request.user, approval_id)
    project = scoping.get_project_or_404(request.user, doc.project_id, scoping.WRITE)
    if request.method == "POST":
        form = ApprovalForm(request.POST, request.FILES, editing=True)
    else:
        form = ApprovalForm(initial=ApprovalForm.initial_for(doc), editing=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = services.update_approval(
                actor=request.user,
                approval=doc,
                item=d["item"],
                name=d["name"],
                number=d["number"],
                issued_on=d["issued_on"],
                issuer=d["issuer"],
                note=d["note"],
                file=d.get("file"),
                remove_file=d.get("remove_file"),
                reason=d.get("reason") or "",
            )
        except InputError as exc:
            _apply(form, exc)
        else:
            messages.success(request, f"已保存审批要件: {doc.label}")
            return _back(project)
    return render(
        request,
        "dossier/approval_form.html",
        {"form": form, "project": project, "doc": doc, "delete_form": DeleteForm()},
        status=400 if form.is_bound else 200,
    )


@requires(WRITE)
@require_POST
def approval_delete(request, approval_id: int):
    doc = selectors.get_approval_or_404(request.user, approval_id)
    project = scoping.get_project_or_404(request.user, doc.project_id, scoping.WRITE)
    form = DeleteForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.delete_approval(actor=request.user, approval=doc, reason=reason)
    except InputError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, f"已删除审批要件: {doc.label}")
    return _back(project)


@requires(READ)
def approval_file(request, approval_id: int):
    """The approval's scanned document, served after the scope check of its project."""
    doc = selectors.get_approval_or_404(request.user, approval_id)
    return file_response(doc.file, filename=doc.file_name or None)


def _summary(request, pk: int):
    from tuijin.bulletins.selectors import issuing_office

    project = scoping.get_project_or_404(request.user, pk)
    project = (
        type(project).objects.select_related("unit", "responsible_department").get(pk=project.pk)
    )
    d = selectors.dossier(request.user, project)
    style = NumberStyle.of(d.conventions) if d.conventions is not None else NumberStyle()
    author = issuing_office(d.city) if d.city is not None else "重大项目建设推进办公室"
    return d, {"style": style, "author": author, "printed_on": timezone.localdate()}


def _download(data: bytes, ctype: str, project, ext: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=ctype)
    name = f"{project.name}-项目档案.{ext}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"dossier-{project.pk}.{ext}\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@requires(READ)
def dossier_docx(request, pk: int):
    d, kw = _summary(request, pk)
    return _download(documents.to_docx(d, **kw), DOCX, d.project, "docx")


@requires(READ)
def dossier_pdf(request, pk: int):
    d, kw = _summary(request, pk)
    if pdf_converter() is None:
        return HttpResponse(PDF_MISSING, status=503, content_type="text/plain; charset=utf-8")
    try:
        data = documents.to_pdf(d, **kw)
    except (RuntimeError, OSError) as exc:
        return HttpResponse(
            f"PDF 生成失败, 请下载 Word 版。原因: {exc}",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    return _download(data, "application/pdf", d.project, "pdf")
