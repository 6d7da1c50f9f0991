"""Kiosk links of the big screen: created and revoked by the city administrator alone (audited), only the
SHA-256 of the token stored; the link opens its own city's screen, read-only, without a login; a revoked or
unknown token gets a Chinese 403 page (and its data a 403); the link dies with its creator's administration."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from tuijin.audit.models import AuditEntry
from tuijin.geo.models import KioskLink
from tuijin.geo.services import create_kiosk_link, kiosk_link_for, revoke_kiosk_link


def test_create_stores_only_a_hash_and_is_audited(town):
    link, token = create_kiosk_link(city=town.city, name="指挥中心大屏", actor=town.users["admin"])
    assert len(token) >= 40
    stored = KioskLink.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(
        KioskLink.objects.values().get()
    )
    assert stored.hint == token[:6]
    entry = AuditEntry.objects.filter(model="geo.KioskLink").latest("pk")
    assert entry.action == "create" and token not in str(entry.after)
    assert kiosk_link_for(token) == (stored, "")


def test_only_the_city_administrator_creates_and_revokes(town):
    for who in ("leader", "jia_admin", "reporter", "outsider"):
        with pytest.raises(PermissionDenied):
            create_kiosk_link(city=town.city, name="大屏", actor=town.users[who])
    link, _token = create_kiosk_link(city=town.city, name="大屏", actor=town.users["admin"])
    with pytest.raises(PermissionDenied):
        revoke_kiosk_link(link=link, actor=town.users["outsider"])
    with pytest.raises(PermissionDenied):
        revoke_kiosk_link(link=link, actor=town.users["leader"])


def test_a_name_is_required(town):
    from tuijin.core.errors import InputError

    with pytest.raises(InputError, match="请填写大屏链接名称"):
        create_kiosk_link(city=town.city, name="  ", actor=town.users["admin"])


def test_the_kiosk_page_and_its_data_without_login(town, client):
    """The screen of 测试市 through 2024-05 (the latest accepted month): 完成投资 2.3 亿元 (the town prints 1 decimal) (4000 + 15000 + 1500 +
    1000 + 1500 = 23000 万元, P2 has none); no project of 外市 is named; then revoked: 403 in Chinese."""
    from .conftest import place

    place(town)
    link, token = create_kiosk_link(city=town.city, name="指挥中心大屏", actor=town.users["admin"])
    page = client.get(
        f"/screen/k/{token}/", {"through": "2024-05", "city": town.secret.unit.parent.pk}
    )
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert f"/screen/k/{token}/data/?through=2024-05" in html and "退出大屏" not in html
    data = client.get(
        f"/screen/k/{token}/data/", {"through": "2024-05", "city": town.secret.unit.parent.pk}
    )
    assert data.status_code == 200, data.content.decode()[:500]
    body = data.json()
    assert body["title"] == "测试市重大项目推进" and body["period"] == "2024年1-5月"
    assert body["kpis"][0]["label"] == "完成投资" and body["kpis"][0]["value"] == "2.3"
    assert "外市机密项目" not in data.content.decode()
    assert [r["name"] for r in body["ranking"]] == ["乙区", "丙区", "甲区"]
    assert len(body["map"]["geo"]["features"]) == 3
    KioskLink.objects.filter(pk=link.pk).update(last_used_at=None)
    client.get(f"/screen/k/{token}/data/")
    assert KioskLink.objects.get(pk=link.pk).last_used_at is not None
    client.force_login(town.users["admin"])
    r = client.post("/screen/kiosks/", {"action": "revoke", "link": link.pk})
    assert r.status_code == 302
    client.logout()
    denied = client.get(f"/screen/k/{token}/")
    assert denied.status_code == 403
    text = denied.content.decode()
    assert "大屏链接已失效" in text and "被撤销" in text and "请联系市管理员" in text
    assert client.get(f"/screen/k/{token}/data/").status_code == 403
    assert client.get("/screen/k/nonsense-token/").status_code == 403
    assert AuditEntry.objects.filter(model="geo.KioskLink", action="update").exists()


def test_a_link_dies_with_its_creators_administration(town, client):
    from tuijin.accounts.models import Role

    link, token = create_kiosk_link(city=town.city, name="大屏", actor=town.users["admin"])
    admin = town.users["admin"]
    admin.role = Role.CITY_LEADER
    admin.save()
    assert kiosk_link_for(token)[0] is None
    assert "已不再是本市管理员" in client.get(f"/screen/k/{token}/").content.decode()


def test_the_kiosks_page(town, client):
    """The administrator creates a link on the page and sees its address once; a leader is refused (403)."""
    client.force_login(town.users["admin"])
    r = client.post("/screen/kiosks/", {"name": "会议室大屏"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "已创建大屏链接 “会议室大屏”" in html and "http://testserver/screen/k/" in html
    assert (
        "/screen/k/" not in client.get("/screen/kiosks/").content.decode().split("kiosk-links")[1]
    )
    client.force_login(town.users["leader"])
    assert client.get("/screen/kiosks/").status_code == 403
