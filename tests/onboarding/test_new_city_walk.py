"""docs/new-city.md as a test: an empty database, an invented city (青禾市, 云岭省), set up and filled through the
`tuijin` commands run as an operator would run them (subprocesses), ending in a bulletin whose headline figures
are checked against values computed by hand. Runs on the database the suite runs on (a fresh one of its own)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from .files import write_all

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    url = os.environ.get("TUIJIN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('onboarding') / 'tuijin.sqlite3'}"
        return
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    name = f"tuijin_onboarding_{uuid.uuid4().hex[:8]}"
    admin = dict(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"], password=cfg["PASSWORD"] or None,
                 dbname=cfg["NAME"], autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def tuijin(database_url, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    env = {**os.environ, "TUIJIN_DATABASE_URL": database_url, "TUIJIN_DATA_DIR": str(data),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH", "")])),
           "TUIJIN_PASSWORD": "Qinghe-admin-2024!"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*args, ok=True):
        done = subprocess.run([sys.executable, "-m", "tuijin.cli", *args], env=env, capture_output=True, text=True,
                              timeout=600)
        if ok:
            assert done.returncode == 0, f"tuijin {' '.join(args)}\n{done.stdout}\n{done.stderr}"
        return done

    return run


@pytest.fixture(scope="module")
def walked(tuijin, tmp_path_factory):
    """The walk of docs/new-city.md, step by step; returns each step's output."""
    files = write_all(tmp_path_factory.mktemp("files"))
    out = {}
    tuijin("migrate", "-v0")
    out["city"] = tuijin("city", "create", "青禾市", "--province", "云岭省", "--region-code", "530900").stdout
    out["city_again"] = tuijin("city", "create", "青禾市", ok=False)
    tuijin("createuser", "qh_admin", "--unit", "青禾市", "--role", "city_admin", "--name", "王主任")
    out["units"] = tuijin("import", str(files["units"]), "--as", "qh_admin", "--kind", "units", "--commit").stdout
    out["lists"] = tuijin("import", str(files["lists"]), "--as", "qh_admin", "--kind", "lists", "--commit").stdout
    out["conventions"] = tuijin("conventions", "--city", "青禾市", "--year", "2024", "--set", "rate_places=1",
                                "amount_places=2", "curve=3:20,6:45,9:72.5,12:100").stdout
    out["projects"] = tuijin("import", str(files["projects"]), "--as", "qh_admin", "--kind", "projects",
                             "--commit").stdout
    out["list"] = tuijin("import", str(files["clerk"]), "--as", "qh_admin", "--kind", "list", "--list", "市重大项目",
                         "--commit").stdout
    out["reports"] = tuijin("import", str(files["clerk"]), "--as", "qh_admin", "--kind", "reports",
                            "--commit").stdout
    out["bulletin"] = tuijin("bulletin", "--city", "青禾市", "--through", "2024-04", "--date", "2024-05-10").stdout
    return out


def test_the_city_is_created_once(walked):
    assert "已新建城市: 云岭省 青禾市" in walked["city"]
    again = walked["city_again"]
    assert again.returncode != 0 and "城市已存在: 青禾市" in again.stderr and "Traceback" not in again.stderr


def test_the_org_tree_lists_and_registry_are_imported(walked):
    assert "已导入 4 个" in walked["units"]
    assert "已导入 2 个" in walked["lists"]
    assert "3:20,6:45,9:72.5,12:100" in walked["conventions"]
    assert "已导入 3 个" in walked["projects"]


def test_the_clerks_table_is_matched_by_name_and_its_subtotals_skipped(walked):
    assert "将新增 3 个" in walked["list"] and "跳过空白/合计行 4 行" in walked["list"]
    assert "西山抽水蓄能电站: 当月完成投资: 空 → 26,000.00 万元" in walked["reports"]
    assert "已导入 3 行" in walked["reports"]


def test_the_first_bulletin_prints_the_hand_computed_figures(walked):
    """Plan 30,000 + 20,000 + 100,000 = 150,000 万元 = 15.00 亿元 (amount_places=2); completed 11,000 + 0 + 26,000 =
    37,000 万元 = 3.70 亿元; rate 37,000 ÷ 150,000 = 24.67 % → 24.7 %; the curve puts April at 20 + (45 − 20) ÷ 3 =
    28.33 %, so 24.67 − 28.33 = −3.67 → 欠序时 3.7 个百分点. Signed in 2024: 002 (1 Jan) and 003 (20 Feb); started in
    2024: 002 on 15 March (its past date, although imported today)."""
    text = walked["bulletin"]
    assert "青禾市重大项目推进情况通报" in text and "（2024年1-4月）" in text
    assert "全市纳入年度清单的重大项目3个，年度计划投资15.00亿元" in text
    assert "累计完成投资3.70亿元，完成年度投资计划的24.7%，欠序时3.7个百分点" in text
    assert "新签约2个、新开工1个" in text


def test_changing_next_years_conventions_leaves_this_bulletin_as_printed(walked, tuijin):
    tuijin("conventions", "--city", "青禾市", "--year", "2025", "--set", "rate_places=2", "amount_places=1",
           "wording=time")
    again = tuijin("bulletin", "--city", "青禾市", "--through", "2024-04", "--date", "2024-05-10").stdout
    assert again == walked["bulletin"]
