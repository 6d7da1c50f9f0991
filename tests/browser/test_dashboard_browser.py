"""Done-when (c): the dashboard in Debian's chromium. Every chart's ECharts instance holds non-empty series data;
clicking a unit's bar opens the list behind it, whose total is the bar's value; desktop, phone (390 px) and
print (A4 landscape) renderings are saved under test-output/<test>/ for a person to look at."""

import json

from tests.browser.conftest import login
from tests.dashboard.world import PASSWORD, build_town
from tests.factories import SYSTEM

CHARTS = ["chart-monthly", "chart-units", "chart-variance", "chart-events", "chart-funnel", "chart-category",
          "chart-industry", "chart-chains"]

SERIES = """id => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  if (!chart) return null;
  return chart.getOption().series.map(s => (s.data || []).filter(d => d !== null && d !== undefined).length);
}"""

BAR_POINT = """([id, name]) => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const index = option.yAxis[0].data.indexOf(name);
  const point = option.series[0].data[index];
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [point.value / 2, index]);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, value: point.value, url: point.url};
}"""


def wait_for_charts(page):
    page.wait_for_selector("#chart-chains[data-ready]")
    page.wait_for_function("() => [...document.querySelectorAll('[data-chart]')].every(e => e.dataset.ready)")


def test_dashboard_charts_drill_down_and_layouts(page, live_server, transactional_db, output_dir):
    town = build_town()
    from tuijin.attraction.services import set_target

    # Two targets, so the 目标任务 panel is on the page for the phone and print layouts below.
    set_target(unit=town.jia, year=2024, indicator="new_signed_count", value=4, actor=SYSTEM)
    set_target(unit=town.city, year=2024, indicator="completed_investment", value=10, steps={6: 5}, actor=SYSTEM)
    login(page, live_server, "town_admin", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/?through=2024-05")
    wait_for_charts(page)
    found = page.eval_on_selector_all("[data-chart]", "els => els.map(e => e.id)")
    assert sorted(found) == sorted(CHARTS)
    for chart_id in CHARTS:
        counts = page.evaluate(SERIES, chart_id)
        assert counts and all(n > 0 for n in counts), f"{chart_id}: series data {counts}"
    page.screenshot(path=str(output_dir / "dashboard-desktop.png"), full_page=True)

    # Click 乙区's bar: the list behind it, whose total completion rate is the bar's value (47.1%).
    page.locator("#chart-units").scroll_into_view_if_needed()
    bar = page.evaluate(BAR_POINT, ["chart-units", "乙区"])
    assert bar["value"] == 47.1
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url("**/dashboard/list/**")
    assert f"unit={town.yi.pk}" in page.url and "key=completion_rate" in page.url
    total = page.inner_text("[data-total=completion_rate]")
    assert total == f"{bar['value']}%"
    rows = page.locator("#drill-table tbody tr")
    assert rows.count() == 2 and "乙区快速路工程" in page.inner_text("#drill-table")
    page.screenshot(path=str(output_dir / "list-desktop.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")

    # A chain bar opens the enterprises behind it.
    page.go_back()
    wait_for_charts(page)
    share = page.evaluate("""() => {
      const c = echarts.getInstanceByDom(document.getElementById('chart-chains'));
      return c.getOption().series[0].data.map(d => [d.value, d.url]);
    }""")
    assert all(url for _, url in share) and len(share) == 5  # 2 clusters + 3 chains

    # A filter change swaps the results in place (htmx) and the charts are drawn again: the second quarter.
    page.select_option("select[name=kind]", "quarter")
    page.wait_for_function("() => document.querySelector('.dash-title').textContent.includes('二季度')")
    wait_for_charts(page)
    for chart_id in CHARTS:
        counts = page.evaluate(SERIES, chart_id)
        assert counts and all(n > 0 for n in counts), f"{chart_id} after the swap: {counts}"
    assert "kind=quarter" in page.url

    # Phone: 390 px wide, one column, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wait_for_charts(page)
    widths = page.evaluate("""() => [document.documentElement.scrollWidth,
        ...[...document.querySelectorAll('.chart, .target-card')].map(e => Math.round(e.getBoundingClientRect().width))]""")
    assert widths[0] <= 390 and all(0 < w <= 390 for w in widths[1:]), widths
    assert page.locator(".target-card .target-bar .fill").count() == 2
    page.screenshot(path=str(output_dir / "dashboard-phone.png"), full_page=True)

    # Print: A4 landscape (the page's @page rule), charts redrawn for the paper.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(media="print")
    page.reload()
    wait_for_charts(page)
    page.pdf(path=str(output_dir / "dashboard-print.pdf"), prefer_css_page_size=True, print_background=True)
    page.screenshot(path=str(output_dir / "dashboard-print-media.png"), full_page=True)
    (output_dir / "charts.json").write_text(json.dumps(
        {c: page.evaluate(SERIES, c) for c in CHARTS}, ensure_ascii=False), encoding="utf-8")
