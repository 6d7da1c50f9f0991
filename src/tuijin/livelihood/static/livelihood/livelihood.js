/* 民生实事 charts (Apache ECharts, vendored). A file, not an inline script: the CSP allows only 'self'.
   The pages put their data in <script type="application/json"> elements (Django's json_script). */
(function () {
  "use strict";

  var COLORS = { completed: "#2f7ed8", ahead: "#1b7f3b", on_schedule: "#8a97a8", behind: "#c0392b" };

  function readData(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function chartIn(id) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var chart = window.echarts.init(el);
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function overview() {
    var data = readData("lh-overview-data");
    if (!data) return;
    var status = chartIn("lh-status-chart");
    if (status) {
      status.setOption({
        tooltip: { trigger: "item", formatter: "{b}: {c} 件 ({d}%)" },
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["45%", "70%"], avoidLabelOverlap: true,
          label: { formatter: "{b}\n{c} 件" },
          data: data.statuses.map(function (s) {
            return { name: s.name, value: s.value, itemStyle: { color: COLORS[s.key] } };
          })
        }]
      });
    }
    var bars = chartIn("lh-category-chart");
    if (bars) {
      bars.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 10, bottom: 40, containLabel: true },
        xAxis: { type: "value", minInterval: 1, name: "件" },
        yAxis: { type: "category", data: data.categories, inverse: true },
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "items", data: s.data, itemStyle: { color: COLORS[s.key] } };
        })
      });
    }
  }

  function item() {
    var data = readData("lh-item-data");
    var chart = data && chartIn("lh-item-chart");
    if (!chart) return;
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { bottom: 0, data: ["计划进度", "实际完成"] },
      grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.months, boundaryGap: false },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: "计划进度", type: "line", data: data.planned, lineStyle: { type: "dashed" }, itemStyle: { color: "#8a97a8" } },
        { name: "实际完成", type: "line", data: data.done, connectNulls: false, itemStyle: { color: "#2f7ed8" },
          areaStyle: { opacity: 0.08 } }
      ]
    });
  }

  function start() { overview(); item(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
