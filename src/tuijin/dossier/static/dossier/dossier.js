/* 一项目一档: draws the plan-against-actual chart of the project page from its JSON block (the CSP allows no
   inline script): 当月完成 as bars, 累计完成 and 累计计划 (分月计划) as lines, in 万元, as SVG so it prints crisply.
   Every value was rounded by the server (indicators.present.present_plan_vs_actual); nothing is computed here. */
(function () {
  "use strict";

  var charts = [];

  function fmt(value) {
    return value === null || value === undefined ? "—" : Number(value).toLocaleString("zh-CN") + " 万元";
  }

  function option(data, narrow) {
    return {
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { bottom: 0, data: ["当月完成", "累计完成", "累计计划"] },
      grid: { left: 8, right: 12, top: 28, bottom: 36, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: narrow ? 1 : 0 } },
      yAxis: { type: "value", name: "万元", nameTextStyle: { align: "left" } },
      series: [
        { name: "当月完成", type: "bar", data: data.completed_wan, barMaxWidth: 22, itemStyle: { color: "#7aa6d8" } },
        { name: "累计完成", type: "line", data: data.completed_cumulative_wan, symbolSize: 6,
          itemStyle: { color: "#17427a" }, lineStyle: { width: 2 } },
        { name: "累计计划", type: "line", data: data.plan_cumulative_wan, connectNulls: true, symbolSize: 5,
          itemStyle: { color: "#c77700" }, lineStyle: { type: "dashed", width: 2 } }
      ]
    };
  }

  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-dossier-chart]").forEach(function (el) {
      var holder = document.getElementById(el.getAttribute("data-dossier-chart"));
      if (!holder) return;
      var data = JSON.parse(holder.textContent);
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
      if (charts.indexOf(chart) < 0) {
        charts.push(chart);
        // A viewBox on the drawn SVG lets the print stylesheet scale it to the paper's width (never clipped).
        chart.on("finished", function () {
          var svg = el.querySelector("svg");
          if (svg) svg.setAttribute("viewBox", "0 0 " + chart.getWidth() + " " + chart.getHeight());
        });
      }
      chart.setOption(option(data, el.clientWidth < 480), true);
    });
  }

  function resize() {
    charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", resize);
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
