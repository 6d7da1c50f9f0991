"""Token page (/accounts/tokens/): a user creates and revokes its own API tokens; a city administrator also
sees and revokes the tokens of its city's users. Plus the API docs page's assets."""

from __future__ import annotations

import mimetypes
from pathlib import Path

import ninja
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from tuijin.accounts import scoping
from tuijin.core.errors import InputError
from tuijin.core.params import parse_id
from tuijin.core.policy import MEMBER, PUBLIC, requires

from . import selectors, services
from .forms import TokenCreateForm
from .models import Token

NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"}


@requires(MEMBER)
def tokens(request):
    """The user's own tokens and a form to create one (the new token is shown once, on this response); a
    city administrator also sees its city's users' tokens and may revoke them."""
    form = TokenCreateForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, raw = services.create_token(user=request.user, name=form.cleaned_data["name"],
                                                   days=form.cleaned_data["days"], actor=request.user)
            except InputError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.messages)
                status = 400
            else:
                created = {"token": token, "raw": raw}
                form = TokenCreateForm()
        else:
            status = 400
    can_manage = scoping.can(request.user, scoping.MANAGE_USERS)
    return render(request, "api/tokens.html", {
        "tokens": selectors.own_tokens(request.user),
        "managed": selectors.managed_tokens(request.user).exclude(user=request.user) if can_manage else None,
        "form": form,
        "created": created,
    }, status=status)


@requires(MEMBER)
@require_POST
def revoke(request):
    """Revoke one token (its id in the form): the owner's, or one of a managed user's."""
    raw_id = request.POST.get("token_id", "")
    token_id = parse_id(raw_id)
    token = Token.objects.select_related("user").filter(pk=token_id).first() if token_id else None
    if token is None or not services.can_revoke(request.user, token):
        messages.error(request, "令牌不存在或不在您的权限范围内")
        return redirect("api-tokens:list")
    services.revoke_token(token=token, actor=request.user)
    messages.success(request, f"已吊销令牌 {token.name} ({token.prefix}…)" +
                     (f", 用户 {token.user.username}" if token.user_id != request.user.pk else ""))
    return redirect("api-tokens:list")


@requires(PUBLIC)
@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def docs_asset(request, name: str = ""):
    """Swagger UI's files, from the django-ninja package (the docs page loads nothing from a CDN)."""
    if name not in DOCS_FILES:
        raise Http404(name)
    path = NINJA_STATIC / name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".js"):
        content_type = "text/javascript"
    return FileResponse(path.open("rb"), content_type=content_type)
