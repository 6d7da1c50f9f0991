/* 推进 驾驶舱: draws the ECharts charts of the page from JSON blocks (<script type="application/json">), because
   the CSP allows no inline script. Every data point carries the URL of the list behind it: a click opens it.
   Charts are drawn as SVG (crisp when printed on A4) and redrawn after an htmx swap, a resize or before print. */
(function () {
  "use strict";

  var charts = [];

  function pct(value) {
    return value === null || value === undefined || value === "-" ? "—" : value + "%";
  }

  // An ECharts label template ({b} name, {c} value, {d} percent) with {c} as the point's printed text.
  function printed(template) {
    return function (p) {
      var text = (p.data && p.data.text) || p.value;
      return template.replace("{b}", p.name).replace("{c}", text)
        .replace("{d}", p.percent === undefined ? "" : p.percent);
    };
  }

  function prepare(option) {
    var o = JSON.parse(JSON.stringify(option));
    delete o.title; // the card's heading carries the title (and prints as text)
    if (o.tooltip && o.tooltip.valueFormatter === "pct") {
      o.tooltip.valueFormatter = pct;
    }
    var itemTexts = false;
    (o.series || []).forEach(function (series) {
      // Labels print the figure as the page prints it (tuijin.core.numbers: the city's decimals and
      // separators, 70.0 亿元 beside 25.3 亿元, never "70"): {c} in a label template is the point's text.
      var first = (series.data || []).find(function (d) { return d && d.text; });
      if (!first || !series.label) return;
      itemTexts = true;
      if (series.type === "bar" && series.label.show && !series.label.formatter) {
        series.label.formatter = "{c}";
      }
      if (typeof series.label.formatter === "string") {
        series.label.formatter = printed(series.label.formatter);
      }
    });
    if (itemTexts && o.tooltip && o.tooltip.trigger === "item" && typeof o.tooltip.formatter === "string") {
      o.tooltip.formatter = printed(o.tooltip.formatter);
    }
    o.animation = false;
    o.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
    return o;
  }

  function init(root) {
    if (!window.echarts) return;
    var sources = {};
    charts = charts.filter(function (c) {
      if (!c.isDisposed() && !document.body.contains(c.getDom())) c.dispose(); // swapped out by htmx
      return !c.isDisposed();
    });
    root.querySelectorAll("[data-chart]:not([data-ready])").forEach(function (el) {
      var srcId = el.getAttribute("data-chart-src");
      if (!(srcId in sources)) {
        var holder = document.getElementById(srcId);
        sources[srcId] = holder ? JSON.parse(holder.textContent) : {};
      }
      var spec = sources[srcId][el.getAttribute("data-chart")];
      if (!spec) return;
      var old = window.echarts.getInstanceByDom(el);
      if (old) old.dispose();
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(prepare(spec));
      chart.on("click", function (params) {
        var url = params && params.data && params.data.url;
        if (url) window.location.href = url;
      });
      el.setAttribute("data-ready", "1");
      charts.push(chart);
    });
  }

  function resizeAll() {
    charts.forEach(function (c) { if (!c.isDisposed()) c.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function () { init(document); });
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeAll.timer);
    resizeAll.timer = window.setTimeout(resizeAll, 150);
  });
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
