"""Light thresholds, competition weights and points, bulletin thresholds and photo positions: refused out of
range by the services with the field's name, and by the database when a write goes around them."""

import io
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, connection, transaction
from PIL import Image

from tests import factories as f
from tests.factories import SYSTEM
from tuijin.bulletins import services as bulletin_services
from tuijin.bulletins.models import BulletinConfig
from tuijin.core.bounds import constraint_message
from tuijin.core.errors import InputError
from tuijin.dashboard import services as dashboard_services
from tuijin.dashboard.models import LightRule
from tuijin.progress.photos import exif_facts


@pytest.fixture
def city(db):
    city, _ = f.city_tree("阈值市", ("甲区",))
    return city


@pytest.mark.parametrize("value, words", [("1e9", "超出允许范围"), ("NaN", "不是有限的数字"),
                                          ("inf", "不是有限的数字"), ("100000.01", "超出允许范围")])
def test_a_light_threshold_out_of_range_is_refused_naming_it(city, value, words):
    with pytest.raises(InputError) as caught:
        dashboard_services.save_rule(city=city, name="完成率偏低", kind=next(iter(
            LightRule._meta.get_field("kind").choices))[0], yellow=value, red=None, actor=SYSTEM)
    assert f"黄灯阈值：{value} " in caught.value.messages[0] and words in caught.value.messages[0]
    assert not LightRule.objects.filter(city=city).exists()


def test_the_database_refuses_a_threshold_written_around_the_service(city):
    kind = LightRule._meta.get_field("kind").choices[0][0]
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        LightRule.objects.create(city=city, name="绕过", kind=kind, yellow_threshold=Decimal("999999.99"))
    assert constraint_message(caught.value) == "黄灯阈值超出允许范围（-100000 至 100000）"
    rule = LightRule.objects.create(city=city, name="正常", kind=kind, yellow_threshold=Decimal("-5"))
    for raw in ("'NaN'", "1e12"):
        with pytest.raises((IntegrityError, DataError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"UPDATE dashboard_lightrule SET red_threshold = {raw} WHERE id = %s", [rule.pk])
    rule.refresh_from_db()
    assert rule.red_threshold is None


def test_bulletin_thresholds_are_bounded(city):
    with pytest.raises(InputError) as caught:
        bulletin_services.save_config(city=city, lag_threshold_pp="250", actor=SYSTEM)
    assert "滞后判定：250 超出允许范围（0 至 100个百分点）" == caught.value.messages[0]
    with pytest.raises(InputError) as caught:
        bulletin_services.save_config(city=city, threshold_wan="1e20", actor=SYSTEM)
    assert caught.value.messages[0].startswith("招引门槛：1e20 超出允许范围")
    assert not BulletinConfig.objects.filter(city=city, lag_threshold_pp=250).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        BulletinConfig.objects.update_or_create(city=city, defaults={"lag_threshold_pp": Decimal("1000.0")})


def _photo_with_gps(lat_dms, lon_dms) -> io.BytesIO:
    img = Image.new("RGB", (8, 8), "white")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: lat_dms, 3: "E", 4: lon_dms}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    buf.seek(0)
    return buf


def test_a_photo_position_is_kept_when_it_is_a_position():
    facts = exif_facts(_photo_with_gps((32.0, 12.0, 36.0), (119.0, 30.0, 0.0)))
    assert facts["latitude"] == Decimal("32.210000") and facts["longitude"] == Decimal("119.500000")


def test_a_crafted_photo_position_is_dropped_not_stored():
    """10^9 degrees in a file's GPS block is not a place: the photo keeps no position."""
    facts = exif_facts(_photo_with_gps((1e9, 0.0, 0.0), (119.0, 30.0, 0.0)))
    assert facts["latitude"] is None and facts["longitude"] is None
