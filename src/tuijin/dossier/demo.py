"""Demo of 一项目一档: 审批要件 for the first signed projects of each demo city, through dossier.services (as a city's
重大办 would register them), dated from the project's own signing and start: 立项 and 环评 after signing, 用地预审,
建设用地规划许可, 建设工程规划许可 and 施工许可 before the start of a project that has started. No files (the
documents a city scans are its own)."""

from __future__ import annotations

import datetime

from django.db import transaction

from tuijin.accounts.models import User
from tuijin.orgs.models import OrgUnit
from tuijin.projects.models import Project, Stage, StageEvent

from . import services

PER_CITY = 40
# (item, days after signing or None, days before the start or None, 文号 prefix)
AFTER_SIGNING = [("approval", 20, "发改审批"), ("environment", 45, "环审")]
BEFORE_START = [
    ("land", 120, "自然资预"),
    ("planning", 90, "地字第"),
    ("engineering", 45, "建字第"),
    ("permit", 10, "建施"),
]
ISSUERS = {
    "approval": "发展和改革委员会",
    "environment": "生态环境局",
    "land": "自然资源和规划局",
    "planning": "自然资源和规划局",
    "engineering": "自然资源和规划局",
    "permit": "住房和城乡建设局",
}


def _system_actor() -> User:
    """The demo acts as the platform operator (an unsaved superuser: audited as 演示数据, no account made)."""
    return User(username="演示数据", is_superuser=True, is_active=True)


@transaction.atomic
def build_dossier_demo(*, cities: list[OrgUnit], today: datetime.date | None = None) -> int:
    """审批要件 for the first PER_CITY signed projects of each city (by id); returns how many were registered."""
    from django.utils import timezone

    today = today or timezone.localdate()
    actor = _system_actor()
    count = 0
    for city in cities:
        short = (city.short_name or city.name)[:1]
        projects = list(
            Project.objects.filter(
                unit__path__startswith=city.path, stage_events__stage=Stage.SIGNED
            ).order_by("id")[:PER_CITY]
        )
        dates = {}
        for e in StageEvent.objects.filter(
            project__in=projects, stage__in=[Stage.SIGNED, Stage.STARTED]
        ):
            dates[(e.project_id, e.stage)] = e.date
        for n, project in enumerate(projects, 1):
            signed, started = (
                dates.get((project.pk, Stage.SIGNED)),
                dates.get((project.pk, Stage.STARTED)),
            )
            planned = [
                (item, signed + datetime.timedelta(days=d), prefix)
                for item, d, prefix in AFTER_SIGNING
            ]
            if started is not None:
                planned += [
                    (item, started - datetime.timedelta(days=d), prefix)
                    for item, d, prefix in BEFORE_START
                ]
            for item, day, prefix in planned:
                day = min(max(day, signed), today)
                services.add_approval(
                    actor=actor,
                    project=project,
                    item=item,
                    issued_on=day,
                    number=f"{short}{prefix}〔{day.year}〕{n}号",
                    issuer=f"{city.name}{ISSUERS[item]}",
                )
                count += 1
    return count
