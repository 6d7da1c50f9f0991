"""Uploads are judged by their bytes, not by the browser's declared type or the file name (issue 15 item 9): an
SVG or HTML page renamed .jpg is not a photo, a video is checked by its magic bytes, an attachment by content
against an allowed list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tuijin.core.errors import InputError
from tuijin.core.files import check_attachment, check_photo, check_video

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("fmt,ext", [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp"), ("GIF", ".gif")])
def test_a_real_photo_passes_and_is_named_by_what_it_is(fmt, ext):
    upload = SimpleUploadedFile("现场 照片", image(fmt), "application/octet-stream")
    check_photo(upload)
    assert upload.name == f"现场 照片{ext}"
    assert upload.read(4) == image(fmt)[:4]  # left at the start for the storage


@pytest.mark.parametrize("name,data", [("a.jpg", SVG), ("a.jpg", HTML), ("a.png", b"\x89PNG\r\n\x1a\n broken"),
                                       ("a.jpg", image("JPEG")[:40]), ("a.jpg", b"")])
def test_markup_or_a_broken_image_is_not_a_photo_whatever_it_claims(name, data):
    with pytest.raises(InputError) as err:
        check_photo(SimpleUploadedFile(name, data, "image/jpeg"))
    assert "a.jpg 不是图片" in err.value.text or "a.png 不是图片" in err.value.text


@pytest.mark.parametrize("head", [b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", b"\x00\x00\x00\x14ftypqt  ",
                                  b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"])
def test_mp4_mov_and_webm_are_videos(head):
    check_video(SimpleUploadedFile("v.mp4", head + b"\x00" * 64, "video/mp4"))


@pytest.mark.parametrize("data", [HTML, b"MZ\x90\x00 an exe", image("PNG"), b""])
def test_anything_else_is_not_a_video(data):
    with pytest.raises(InputError, match="v.mp4 不是视频"):
        check_video(SimpleUploadedFile("v.mp4", data, "video/mp4"))


@pytest.mark.parametrize("name,data", [("红线图.pdf", b"%PDF-1.4 test"), ("批复.docx", b"PK\x03\x04rest"),
                                       ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"),
                                       ("现场.png", image("PNG")), ("说明.txt", "用地指标已落实".encode("gb18030")),
                                       ("资料.7z", b"7z\xbc\xaf\x27\x1crest")])
def test_allowed_attachments(name, data):
    check_attachment(SimpleUploadedFile(name, data, "application/octet-stream"))


@pytest.mark.parametrize("name,data,says", [("说明.html", HTML, "不是允许的附件类型"),
                                            ("图.svg", SVG, "不是允许的附件类型"),
                                            ("说明.txt", HTML, "不是允许的附件类型"),
                                            ("setup.pdf", b"MZ\x90\x00\x03", "不是允许的附件类型"),
                                            ("红线图.pdf", b"PK\x03\x04rest", "内容与扩展名不符"),
                                            ("说明.pdf", "纯文本".encode(), "内容与扩展名不符")])
def test_refused_attachments_say_why(name, data, says):
    with pytest.raises(InputError, match=says) as err:
        check_attachment(SimpleUploadedFile(name, data, "application/pdf"))
    assert name in err.value.text
