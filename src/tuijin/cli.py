"""The `tuijin` console script: Django's management commands under one name."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        _ = settings.INSTALLED_APPS  # read the settings now: a configuration error is one line, not a traceback
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"tuijin: 配置错误 (configuration error): {exc}\n")
        raise SystemExit(2) from None

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["tuijin", *args])


if __name__ == "__main__":
    main()
