"""`tuijin …` run in-process, as the console script runs it, for the CLI's many refusal and output checks.

A real process costs a Python start, Django's set-up and a migrated database of its own (seconds each on a busy
2-core machine); `run_in_process("indicators", "--city", …)` goes through the same `tuijin.cli.main` and
Django's `run_from_argv` (the parser, CommandError → one line on stderr and the exit status), reading the test's
own database. Each command keeps one test through a real subprocess (marked `slow`), which checks what only a
process shows: the console script itself, the settings read at start-up, the exit status as the shell sees it.

What differs from a process: Django is already set up (django.setup() is not run again: it would reconfigure
logging under pytest), and `run_from_argv` may not close the database connections (they hold the test's
transaction)."""

from __future__ import annotations

import io
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock


def run_in_process(*args: str) -> subprocess.CompletedProcess:
    """`tuijin *args` → CompletedProcess(returncode, stdout, stderr), like subprocess.run(capture_output=True,
    text=True)."""
    from django.db import connections

    from tuijin.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err), mock.patch("django.setup", lambda *a, **k: None), \
            mock.patch.object(connections, "close_all", lambda: None):
        try:
            main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return subprocess.CompletedProcess(["tuijin", *args], code, out.getvalue(), err.getvalue())
