"""Who the API thinks the caller is."""

from ninja import Router

from tuijin.core.policy import MEMBER, requires

from ..schemas import MeOut
from .common import home_city, responses

router = Router(tags=["账号 account"])


@router.get("/me", response=responses({200: MeOut}), summary="当前用户")
@requires(MEMBER)
def me(request):
    user = request.auth
    token = getattr(request, "api_token", None)
    city = home_city(user)
    return {
        "id": user.pk, "username": user.username, "name": user.get_full_name() or user.username,
        "role": user.role, "role_label": user.role_label, "unit_id": user.unit_id,
        "unit": user.unit.name if user.unit_id else None, "city": city.name if city else None,
        "auth": "token" if token else "session",
        "token_name": token.name if token else None, "token_expires_at": token.expires_at if token else None,
    }
