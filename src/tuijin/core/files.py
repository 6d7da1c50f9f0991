"""Uploaded files (report photos, problem attachments) served by the app after the scope check of the object
that owns them: there is no public /media/ URL, so a file is never reachable by someone who may not see it."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.http import FileResponse, Http404

# Shown in the browser; everything else downloads (an uploaded .html must never run in the app's origin).
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})


def file_response(field_file, *, filename: str | None = None) -> FileResponse:
    """The stored file as a response, or 404 when the row exists but the file is gone."""
    if not field_file:
        raise Http404("文件不存在")
    name = filename or PurePath(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    inline = content_type in INLINE_TYPES
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
