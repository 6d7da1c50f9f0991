"""The NinjaAPI instance behind /api/v1/: authentication, error bodies, body-size limit, docs without a CDN."""

from __future__ import annotations

import functools
import json

import ninja
from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer

from tuijin.core.policy import PUBLIC, requires

from . import errors
from .auth import SessionAuth, TokenAuth
from .routes import attraction, figures, livelihood, me, problems, projects, registry, reports

DEFAULT_MAX_BODY_BYTES = 1024 * 1024

DESCRIPTION = """推进 Tuijin 的接口: 单位、项目、清单、月报与指标, 与网页使用相同的权限范围。

认证: 在 `/accounts/tokens/` 页面创建个人令牌, 以 `Authorization: Bearer <令牌>` 调用; 浏览器中已登录的会话也可调用
(写操作需带 `X-CSRFToken` 头)。金额单位为万元, 以十进制字符串返回; 指标接口按城市口径以亿元和 % 返回。

错误一律为 `{"error": {"code", "message", "field"}}`; 列表用游标分页 (`next` 链接)。详见 docs/api.md。"""


def max_body_bytes() -> int:
    return int(getattr(settings, "TUIJIN_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def limit_body(run):
    """Refuse an oversize body from its Content-Length before anything reads it (413)."""

    @functools.wraps(run)
    def wrapper(request, *args, **kwargs):
        raw = request.META.get("CONTENT_LENGTH") or ""
        if raw.strip():
            try:
                length = int(raw)
            except ValueError:
                return errors.error_response(400, "bad_request", f"Content-Length 无效: {raw!r}")
            limit = max_body_bytes()
            if length > limit:
                return errors.error_response(413, "payload_too_large",
                                             f"请求体过大: {length} 字节, 上限 {limit} 字节")
        return run(request, *args, **kwargs)

    return wrapper


DOCS_ASSETS = {"css": "swagger-ui.css", "bundle": "swagger-ui-bundle.js", "init": "swagger-ui-init.js",
               "favicon": "favicon.png"}


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as UTF-8, not \\uXXXX escapes: readable with curl, and half the bytes."""

    json_dumps_params = {"ensure_ascii": False}


class LocalSwagger(DocsBase):
    """Swagger UI from the files django-ninja ships, served by this app (no CDN, no inline script)."""

    settings = {"layout": "BaseLayout", "deepLinking": True, "persistAuthorization": True,
                "validatorUrl": None, "displayRequestDuration": True, "defaultModelsExpandDepth": 0}

    def render_page(self, request, api, **kwargs):
        config = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", {
            "api": api,
            "swagger_settings": json.dumps(config).replace("<", "\\u003c"),
            "csrf_token_value": get_token(request) if request.user.is_authenticated else "",
            "assets": {key: f"{reverse('api-docs-' + key)}?v={ninja.__version__}"
                       for key, name in DOCS_ASSETS.items()},
        })


api = NinjaAPI(
    title="推进 Tuijin API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    renderer=Utf8JSONRenderer(),
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    # The schema and its page hold no data: open on purpose, and declared so the URL walk can tell.
    docs_decorator=requires(PUBLIC),
)
errors.install(api)
api.add_decorator(limit_body, mode="view")
api.add_router("", me.router)
api.add_router("", registry.router)
api.add_router("", projects.router)
api.add_router("", reports.router)
api.add_router("", figures.router)
api.add_router("", problems.router)
api.add_router("", livelihood.router)
api.add_router("", attraction.router)
