"""Uploaded files (report photos, problem attachments) served by the app after the scope check of the object
that owns them: there is no public /media/ URL, so a file is never reachable by someone who may not see it."""

from __future__ import annotations

import codecs
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
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- upload checks, by content
# The browser's declared type and the file's extension are the uploader's word; what is stored is decided by the
# bytes. An SVG or HTML page renamed .jpg is not a photo, an .exe renamed .mp4 is not a video.

PHOTO_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
ATTACHMENT_EXTENSIONS = {
    "pdf": {".pdf"},
    "image": {".jpg", ".jpeg", ".png", ".webp", ".gif"},
    "zip": {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip", ".wps", ".et", ".dps"},
    "ole": {".doc", ".xls", ".ppt", ".wps", ".et", ".dps"},
    "rar": {".rar"},
    "7z": {".7z"},
    "text": {".txt", ".csv"},
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # 附件 (problems, 审批要件): 20 MB
KIND_LABELS = {"pdf": "PDF", "image": "图片", "zip": "Office 文档或 zip 压缩包", "ole": "旧版 Office/WPS 文档",
               "rar": "rar 压缩包", "7z": "7z 压缩包", "text": "纯文本"}
ATTACHMENT_HELP = "PDF、Word/Excel/PowerPoint/WPS、图片 (JPEG/PNG/WebP/GIF)、压缩包 (zip/rar/7z) 或纯文本 (txt/csv)"


def _head(upload, n: int = 4096) -> bytes:
    upload.seek(0)
    data = upload.read(n)
    upload.seek(0)
    return data


def _name(upload) -> str:
    return PurePath(getattr(upload, "name", "") or "").name or "文件"


def photo_format(upload) -> str | None:
    """The image format Pillow reads in the bytes (JPEG, PNG, WEBP, GIF), or None for anything else."""
    from PIL import Image, UnidentifiedImageError

    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return fmt if fmt in PHOTO_FORMATS else None


def check_photo(upload, *, field: str = "photos") -> None:
    """A photo is a JPEG, PNG, WebP or GIF that Pillow opens and verifies; its stored name gets the extension of
    what it is (so it is served as that image, whatever it was called)."""
    from .errors import InputError

    fmt = photo_format(upload)
    if fmt is None:
        raise InputError(f"{_name(upload)} 不是图片 (照片应为 JPEG、PNG、WebP 或 GIF)", field=field)
    stem = PurePath(_name(upload)).stem or "photo"
    upload.name = f"{stem}{PHOTO_FORMATS[fmt]}"


def video_kind(upload) -> str | None:
    """mp4 (ISO base media: MP4/MOV, `ftyp` at byte 4), webm (EBML header), or None."""
    head = _head(upload, 64)
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def check_video(upload, *, field: str = "video") -> None:
    from .errors import InputError

    if video_kind(upload) is None:
        raise InputError(f"{_name(upload)} 不是视频 (应为 MP4、MOV 或 WebM)", field=field)


def attachment_kind(upload) -> str | None:
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if photo_format(upload):
        return "image"
    if b"\x00" not in head:
        for encoding in ("utf-8-sig", "gb18030"):
            try:  # incremental: a character cut at the end of the first 4 KB is not an error
                text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            except UnicodeDecodeError:
                continue
            return None if text.lstrip().startswith("<") else "text"  # HTML, SVG, XML: markup is not a text file
    return None


def check_attachment(upload, *, field: str = "file") -> None:
    """附件: one of the allowed kinds by its bytes, under an extension of that kind."""
    from .errors import InputError

    name = _name(upload)
    kind = attachment_kind(upload)
    if kind is None:
        raise InputError(f"{name} 不是允许的附件类型 (允许 {ATTACHMENT_HELP})", field=field)
    if PurePath(name).suffix.lower() not in ATTACHMENT_EXTENSIONS[kind]:
        raise InputError(f"{name} 的内容与扩展名不符 (内容为{KIND_LABELS[kind]}), 请改正扩展名后再上传", field=field)
