"""One error body for every refusal: `{"error": {"code": …, "message": …, "field": …}}`.

Every handler below turns an exception into that body with the right status; nothing reaches the client as
a traceback or as Django's HTML pages. The status codes are declared on every operation (ERROR_RESPONSES),
since django-ninja leaves them out of the OpenAPI document otherwise."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpResponse, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tuijin.core.bounds import constraint_message
from tuijin.core.errors import InputError
from tuijin.core.periods import PeriodError

logger = logging.getLogger("tuijin.api")


class FieldProblem(Schema):
    field: str | None = None
    message: str
    type: str | None = None


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None
    details: list[FieldProblem] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422)
ERROR_RESPONSES = {ERROR_STATUSES: ErrorOut}


class ApiError(Exception):
    """A refusal with a status, a code and a message (and the field at fault, where there is one)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


class TokenAuthError(AuthenticationError):
    def __init__(self, code: str, message: str):
        super().__init__(401, message)
        self.code = code


def error_response(status: int, code: str, message: str, field: str | None = None, details=None,
                   headers: dict | None = None) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "field": field}}
    if details:
        body["error"]["details"] = details
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for key, value in (headers or {}).items():
        response[key] = value
    return response


# Service field names that the API spells differently (a payload carries ids).
FIELD_NAMES = {"unit": "unit_id", "industry_node": "industry_node_id", "responsible_department":
               "responsible_department_id", "project": "project_id", "annual_list": "list_id"}

_PYDANTIC_MESSAGES = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为字符串",
    "date_type": "应为日期字符串 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "model_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "string_too_long": "文字过长",
    "string_too_short": "不能为空",
}


def _field_of(loc) -> str | None:
    """('body', 'payload', 'year') → 'year'; ('query', 'limit') → 'limit'; ('body', 'payload') → None."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source, parts = parts[0], parts[1:]
        if source == "body" and parts:
            parts = parts[1:]  # the view's body argument
    return ".".join(parts) or None


def _problem(err: dict) -> dict:
    kind = err.get("type", "")
    base = _PYDANTIC_MESSAGES.get(kind)
    if kind.startswith("value_error") or kind == "assertion_error" or base is None:
        msg = str(err.get("msg", "取值无效"))
        msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    else:
        ctx = err.get("ctx") or {}
        detail = ""
        if kind == "greater_than_equal":
            detail = f", 最小 {ctx.get('ge')}"
        elif kind == "less_than_equal":
            detail = f", 最大 {ctx.get('le')}"
        elif kind == "string_too_long":
            detail = f", 最多 {ctx.get('max_length')} 字"
        elif kind == "literal_error":
            detail = f": {ctx.get('expected')}"
        msg = base + detail
    return {"field": _field_of(err.get("loc", ())), "message": msg, "type": kind or None}


def on_validation_error(request, exc: NinjaValidationError):
    problems = [_problem(e) for e in exc.errors]
    if not problems:
        return error_response(422, "validation_error", "输入无效")
    first = problems[0]
    if first["type"] == "missing" and first["field"] is None:
        return error_response(400, "missing_body", "请求体不能为空: 应为 JSON 对象")
    else:
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return error_response(422, "validation_error", message, first["field"], problems)


def on_input_error(request, exc: DjangoValidationError):
    field = getattr(exc, "field", None)
    if field is None and hasattr(exc, "error_dict"):
        field = next(iter(exc.error_dict), None)
    if request.method not in ("GET", "HEAD"):  # a body names ids: unit → unit_id
        field = FIELD_NAMES.get(field, field)
    message = exc.text if isinstance(exc, InputError) else "; ".join(exc.messages)
    findings = getattr(exc, "findings", None)
    if findings:  # the monthly report's sanity checks: warnings to confirm with confirm_warnings=true
        details = [{"field": field, "message": f.message, "type": f.code} for f in findings]
        return error_response(422, "needs_confirmation", message, field, details)
    return error_response(422, "invalid_input", message, field)


def on_period_error(request, exc: PeriodError):
    return error_response(422, "invalid_input", str(exc), "through")


def on_api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.field)


def on_authentication_error(request, exc: AuthenticationError):
    code = getattr(exc, "code", "not_authenticated")
    message = exc.message if code != "not_authenticated" else \
        "需要登录: 请使用 Authorization: Bearer <令牌>, 或在浏览器中登录"
    header = 'Bearer realm="tuijin"'
    if code != "not_authenticated":
        header += f', error="invalid_token", error_description="{code}"'
    return error_response(401, code, message, headers={"WWW-Authenticate": header})


def on_http_error(request, exc: HttpError):
    status = exc.status_code
    message = str(exc)
    if status == 400 and message.startswith("Cannot parse request body"):
        return error_response(400, "malformed_json", "请求体不是合法的 JSON")
    if status == 403 and "CSRF" in message:
        return error_response(403, "csrf_failed", "CSRF 校验失败: 浏览器会话的写操作需带 X-CSRFToken 头")
    codes = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 429: "throttled"}
    return error_response(status, codes.get(status, "error"), message)


def on_not_found(request, exc: Http404):
    message = str(exc) or "对象不存在或不在您的权限范围内"
    if message.startswith("No ") and "matches the given query" in message:
        message = "对象不存在或不在您的权限范围内"
    return error_response(404, "not_found", message)


def on_permission_denied(request, exc: PermissionDenied):
    return error_response(403, "forbidden", str(exc) or "您无权执行此操作")


def on_integrity_error(request, exc: IntegrityError):
    logger.info("API integrity error: %s", exc)
    message = constraint_message(exc)
    if message is not None:
        return error_response(422, "invalid_input", message)
    return error_response(409, "conflict", "与已有数据冲突 (重复或被引用), 请刷新后重试")


def on_data_error(request, exc: DataError):
    logger.info("API data error: %s", exc)
    return error_response(422, "invalid_input", "数值超出允许范围或格式无效")


def on_unexpected(request, exc: Exception):
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", "服务器内部错误, 已记录")


def install(api) -> None:
    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(DjangoValidationError, on_input_error)
    api.add_exception_handler(PeriodError, on_period_error)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(IntegrityError, on_integrity_error)
    api.add_exception_handler(DataError, on_data_error)
    api.add_exception_handler(Exception, on_unexpected)
