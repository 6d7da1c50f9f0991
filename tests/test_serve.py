"""`tuijin serve`: migrates a fresh database, serves the pages and the static assets itself (no CDN), and
refuses a bad port in one line with exit status 2."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUIJIN_")}
    env.update(TUIJIN_DATA_DIR=str(tmp_path), TUIJIN_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
               TUIJIN_DEBUG="false", PYTHONUNBUFFERED="1")
    return env


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "tuijin.cli", "serve", "--port", str(port)],
                            env=env_for(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"tuijin serve exited with {proc.returncode}: {proc.stdout.read()}")
            try:
                fetch(f"{base}/login/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("tuijin serve did not answer within 90 s")
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_answers_with_the_login_page_and_its_own_static_assets(server):
    status, body = fetch(f"{server}/login/")
    assert status == 200
    assert "推进" in body.decode("utf-8")
    # With debug off, the static files still come from the app itself (the demo has no nginx in front).
    status, css = fetch(f"{server}/static/tuijin/tuijin.css")
    assert status == 200 and len(css) > 100
    # Pages need a login; the server redirects rather than failing on the freshly migrated database.
    status, _ = fetch(f"{server}/overview/")
    assert status == 200  # urllib follows the redirect to the login page


@pytest.mark.parametrize("port", ["0", "65536", "eighty", "-1"])
def test_serve_refuses_a_bad_port_in_one_line(tmp_path, port):
    result = subprocess.run([sys.executable, "-m", "tuijin.cli", "serve", "--no-migrate", "--port", port],
                            env=env_for(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--port" in lines[0] and port in lines[0], result.stderr
