"""Base for Tuijin's commands: bad input becomes one line on stderr and exit status 2, never a traceback."""

import json
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from tuijin.core.periods import PeriodError


class TuijinCommand(BaseCommand):
    requires_system_checks = []

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        except (PeriodError, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from None
        except (Http404, PermissionDenied) as exc:  # a command run as a user (--as) reaching outside its scope
            raise CommandError(str(exc) or "不在您的权限范围内", returncode=2) from None

    def emit_json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))


class ProgressBar:
    """A text progress bar on stderr (only when it is a terminal, unless forced)."""

    def __init__(self, total: int, label: str = "", stream=None, force: bool = False, width: int = 30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream or sys.stderr
        self.enabled = force or self.stream.isatty()
        self.done = 0
        self._last = -1

    def advance(self, n: int = 1) -> None:
        self.done += n
        pct = int(self.done * 100 / self.total)
        if self.enabled and pct != self._last:
            self._last = pct
            filled = int(self.width * self.done / self.total)
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {pct:3d}%")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
