"""How a reminder travels: Django's e-mail backend (settings.EMAIL_BACKEND), and a JSON POST with the standard
library (urllib, with a timeout; no new dependency) to a city's webhook:

- 企业微信群机器人: {"msgtype": "text", "text": {"content": …, "mentioned_mobile_list": [mobile]}}
- 钉钉群机器人: {"msgtype": "text", "text": {"content": …}, "at": {"atMobiles": [mobile]}}, signed (timestamp and
  sign in the query string) when the endpoint has a 加签 secret;
- 短信网关: the endpoint's body template (JSON) with {mobile} and {content} filled in (as JSON strings), POSTed
  to its URL (which may hold {mobile} and {content} too, URL-encoded).

A delivery fails (DeliveryError, with a Chinese message for the log) on a connection error, a timeout, an HTTP
status other than 2xx, or a JSON answer whose `errcode` is not 0 (the robots' convention, which most SMS gateways'
HTTP APIs share)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from tuijin.core.errors import InputError

from .models import EndpointKind

DEFAULT_SMS_BODY = '{"mobile": "{mobile}", "content": "{content}"}'
USER_AGENT = "tuijin-reminders/1"


class DeliveryError(Exception):
    """A delivery that did not get through; the message goes to the delivery log."""


# ---------------------------------------------------------------- checking a city's endpoint


def check_url(url: str, *, field: str = "url") -> str:
    """An endpoint's address: http(s), with a host, and (when the operator lists them) one of the allowed hosts."""
    url = (url or "").strip()
    parts = urllib.parse.urlsplit(url.replace("{mobile}", "0").replace("{content}", "0"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"地址应以 http:// 或 https:// 开头并包含主机名: {url[:80]!r}", field=field
        )
    allowed = getattr(settings, "REMINDER_WEBHOOK_HOSTS", [])
    if allowed and parts.hostname.lower() not in allowed:
        raise InputError(
            f"地址的主机 {parts.hostname} 不在平台允许的提醒通道主机之内 ({', '.join(allowed)})",
            field=field,
        )
    return url


def _json_text(value: str) -> str:
    """A value as it goes between the quotes of a JSON string."""
    return json.dumps(value, ensure_ascii=False)[1:-1]


def sms_body(template: str, mobile: str, content: str) -> bytes:
    """The SMS gateway's request body: the template with {mobile} and {content} filled in; must be JSON."""
    text = (
        (template or DEFAULT_SMS_BODY)
        .replace("{mobile}", _json_text(mobile))
        .replace("{content}", _json_text(content))
    )
    try:
        json.loads(text)
    except ValueError:
        raise InputError(
            f"请求体模板填入手机号和内容后格式不对: {(template or '')[:80]!r}; 应形如 "
            '{"phone": "{mobile}", "text": "{content}"} (字段名按短信网关的接口)',
            field="body_template",
        ) from None
    return text.encode("utf-8")


def check_body_template(template: str) -> str:
    template = (template or "").strip()
    if template:
        if "{content}" not in template:
            raise InputError("请求体模板应包含 {content} (提醒内容)", field="body_template")
        sms_body(template, "13800000000", "测试")
    return template


# ---------------------------------------------------------------- sending


def send_email(*, address: str, subject: str, body: str) -> None:
    try:
        send_mail(
            subject,
            body,
            getattr(settings, "DEFAULT_FROM_EMAIL", None),
            [address],
            fail_silently=False,
        )
    except Exception as exc:  # noqa: BLE001 - any backend failure is a failed delivery, logged
        raise DeliveryError(f"邮件发送失败: {type(exc).__name__}: {exc}"[:500]) from None


def _signed(url: str, secret: str) -> str:
    """钉钉加签: timestamp (ms) and sign = base64(HMAC-SHA256(secret, "timestamp\\nsecret")) in the query string."""
    timestamp = str(int(time.time() * 1000))
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def robot_payload(kind: str, content: str, mobile: str = "") -> dict:
    if kind == EndpointKind.DINGTALK:
        payload = {"msgtype": "text", "text": {"content": content}}
        if mobile:
            payload["at"] = {"atMobiles": [mobile], "isAtAll": False}
        return payload
    text = {"content": content}
    if mobile:
        text["mentioned_mobile_list"] = [mobile]
    return {"msgtype": "text", "text": text}


def send_to_endpoint(endpoint, *, content: str, mobile: str = "") -> None:
    """POST the reminder to one endpoint; DeliveryError if it did not get through."""
    try:
        url = check_url(endpoint.url)
    except InputError as exc:
        raise DeliveryError(exc.text) from None
    if endpoint.kind == EndpointKind.SMS:
        if not mobile:
            raise DeliveryError("接收人未填写手机号")
        url = url.replace("{mobile}", urllib.parse.quote(mobile)).replace(
            "{content}", urllib.parse.quote(content)
        )
        try:
            data = sms_body(endpoint.body_template, mobile, content)
        except InputError as exc:
            raise DeliveryError(exc.text) from None
    else:
        if endpoint.kind == EndpointKind.DINGTALK and endpoint.secret:
            url = _signed(url, endpoint.secret)
        data = json.dumps(robot_payload(endpoint.kind, content, mobile), ensure_ascii=False).encode(
            "utf-8"
        )
    post_json(url, data)


def post_json(url: str, data: bytes, timeout: float | None = None) -> None:
    timeout = timeout if timeout is not None else getattr(settings, "REMINDER_HTTP_TIMEOUT", 10)
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) checked above
            status, body = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        snippet = exc.read(300).decode("utf-8", errors="replace") if exc.fp else ""
        raise DeliveryError(f"HTTP {exc.code}: {snippet}".strip()[:500]) from None
    except TimeoutError:
        raise DeliveryError(f"超时 ({timeout:g} 秒无应答)") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise DeliveryError(f"超时 ({timeout:g} 秒无应答)") from None
        raise DeliveryError(f"连接失败: {exc.reason}"[:500]) from None
    except OSError as exc:
        raise DeliveryError(f"连接失败: {exc}"[:500]) from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
    try:
        answer = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0, "0"):
        raise DeliveryError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:500])
