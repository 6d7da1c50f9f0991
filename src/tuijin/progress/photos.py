"""Report photos: keep the time a photo was taken and, when the file carries GPS data, where."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from tuijin.core.bounds import LATITUDE, LONGITUDE


def exif_facts(fileobj) -> dict:
    """{'taken_at', 'latitude', 'longitude'} from the image's EXIF, each None when absent or unreadable."""
    facts = {"taken_at": None, "latitude": None, "longitude": None}
    try:
        from PIL import Image

        with Image.open(fileobj) as img:
            exif = img.getexif()
            stamp = exif.get_ifd(0x8769).get(36867) or exif.get(306)
            if stamp:
                naive = datetime.datetime.strptime(str(stamp), "%Y:%m:%d %H:%M:%S")
                facts["taken_at"] = timezone.make_aware(naive)
            gps = exif.get_ifd(0x8825)
            if gps and 2 in gps and 4 in gps:
                facts["latitude"] = _degrees(gps[2], gps.get(1, "N"), LATITUDE)
                facts["longitude"] = _degrees(gps[4], gps.get(3, "E"), LONGITUDE)
                if facts["latitude"] is None or facts["longitude"] is None:
                    facts["latitude"] = facts["longitude"] = None
    except Exception:  # noqa: BLE001 - a photo without readable EXIF is still a photo
        pass
    finally:
        fileobj.seek(0)
    return facts


def _degrees(dms, ref, bounds) -> Decimal | None:
    """Degrees from EXIF's (degrees, minutes, seconds); None when the file's numbers are not a position (a
    crafted or corrupt file can carry NaN or 10^9 degrees, which must not reach the column)."""
    d, m, s = (Decimal(str(float(x))) for x in dms)
    if not all(x.is_finite() for x in (d, m, s)):
        return None
    value = d + m / 60 + s / 3600
    value = -value if ref in ("S", "W") else value
    if not bounds.low <= value <= bounds.high:
        return None
    return value.quantize(Decimal("0.000001"))
