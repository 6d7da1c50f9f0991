/* 推进 一张图: draws the map from the JSON the page carries (<script type="application/json">, the CSP allows no
   inline script) or that the big screen fetches. The districts' outlines are the city's own uploaded GeoJSON,
   registered with echarts.registerMap: no tiles, no map service, works offline. Districts are shaded by the
   figure the server printed (完成率 or 超/欠序时, from the engine); projects are points coloured by their light
   and sized by their 计划总投资. A click on a district opens its project list, a click on a point the project.
   window.TuijinMap.draw(el, data, {dark}) is what the screen calls. */
(function () {
  "use strict";

  var serial = 0;

  function size(value) {
    var yi = Math.max(0, (value && value[2]) || 0);
    return Math.max(7, Math.min(34, 6 + Math.sqrt(yi) * 3));
  }

  function range(data) {
    var lo = data.range[0], hi = data.range[1];
    if (data.measure === "rate") return [0, Math.max(100, Math.ceil(hi))];
    var m = Math.max(Math.abs(lo), Math.abs(hi), 1);
    return [-Math.ceil(m), Math.ceil(m)];
  }

  function option(data, name, dark) {
    var text = dark ? "#e6edf7" : "#333";
    var byName = {};
    data.regions.forEach(function (r) { byName[r.name] = r; });
    var hasGeo = data.geo.features.length > 0;
    var lim = range(data);
    var colours = data.measure === "rate"
      ? ["#fde0dc", "#fff1c1", "#c9ebd2", "#2e9d4b"]
      : ["#d32f2f", "#f6c9c9", "#f4f4f4", "#c9ebd2", "#2e9d4b"];
    if (dark) colours = data.measure === "rate" ? ["#5b1f24", "#7a6420", "#2a6a3c", "#3fbf66"]
      : ["#d32f2f", "#6b2a2e", "#2b3442", "#2a6a3c", "#3fbf66"];
    var points = data.points.map(function (p) {
      return { name: p.name, value: p.value, url: p.url, tip: p, itemStyle: { color: data.colours[p.light] } };
    });
    var scatter = {
      type: "scatter", name: "项目", data: points, symbolSize: size, z: 5,
      itemStyle: { borderColor: dark ? "#0b1426" : "#fff", borderWidth: 1, opacity: 0.92 },
      emphasis: { scale: 1.4, itemStyle: { borderColor: text, borderWidth: 2 } }
    };
    var tooltip = {
      trigger: "item", confine: true,
      formatter: function (p) {
        if (p.seriesType === "scatter" && p.data && p.data.tip) {
          var t = p.data.tip;
          return "<b>" + esc(t.name) + "</b><br>" + esc(t.unit) + " · 计划总投资 " + esc(t.total) + " 亿元<br>" +
            esc(t.light_label) + (t.reason ? ": " + esc(t.reason) : "") + "<br><small>点击打开项目</small>";
        }
        var r = byName[p.name];
        if (!r) return esc(p.name || "");
        return "<b>" + esc(r.label) + "</b><br>完成率 " + esc(r.rate) + " · " + esc(r.variance) + "<br>" +
          "完成投资 " + esc(r.completed) + " 亿元 / 计划 " + esc(r.plan) + " 亿元<br>项目 " + r.projects +
          " 个<br><small>点击查看项目</small>";
      }
    };
    if (!hasGeo) {
      scatter.coordinateSystem = "cartesian2d";
      return {
        animation: false, tooltip: tooltip, textStyle: { color: text },
        grid: { left: 48, right: 16, top: 16, bottom: 36 },
        xAxis: { type: "value", scale: true, name: "经度", axisLabel: { color: text } },
        yAxis: { type: "value", scale: true, name: "纬度", axisLabel: { color: text } },
        series: [scatter]
      };
    }
    scatter.coordinateSystem = "geo";
    return {
      animation: false, tooltip: tooltip, textStyle: { color: text },
      visualMap: {
        type: "continuous", min: lim[0], max: lim[1], seriesIndex: 0, orient: "horizontal", left: "center",
        bottom: 0, itemWidth: 12, itemHeight: 120, calculable: false, inRange: { color: colours },
        text: [lim[1] + (data.measure === "rate" ? "%" : ""), lim[0] + (data.measure === "rate" ? "%" : "")],
        textStyle: { color: text }
      },
      geo: {
        map: name, roam: true, top: 8, bottom: 40, left: 8, right: 8,
        label: { show: true, color: text, fontSize: dark ? 14 : 12 },
        itemStyle: { areaColor: dark ? "#1c2a44" : "#eef1f5", borderColor: dark ? "#6d86b3" : "#fff", borderWidth: 1.5 },
        emphasis: { label: { show: true, color: text }, itemStyle: { borderColor: "#1f6feb", borderWidth: 2 } },
        select: { disabled: true }
      },
      series: [
        {
          type: "map", geoIndex: 0, name: data.measure_label,
          data: data.regions.filter(function (r) { return r.has_shape; })
            .map(function (r) { return { name: r.name, value: r.value }; })
        },
        scatter
      ]
    };
  }

  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
    });
  }

  function draw(el, data, opts) {
    if (!window.echarts || !data) return null;
    opts = opts || {};
    var chart = window.echarts.getInstanceByDom(el);
    if (!chart) {
      chart = window.echarts.init(el, null, { renderer: "canvas" });
      window.addEventListener("resize", function () { chart.resize(); });
      if (!opts.kiosk) {
        chart.on("click", function (p) {
          var target = null;
          if (p.seriesType === "scatter") {
            target = p.data && p.data.url;
          } else {
            var regions = el.tuijinRegions || {};
            target = regions[p.name] && regions[p.name].url;
          }
          if (target) window.location.href = target;
        });
      }
    }
    var byName = {};
    data.regions.forEach(function (r) { byName[r.name] = r; });
    el.tuijinRegions = byName;
    el.tuijinData = data;
    var name = el.getAttribute("data-map-name");
    if (!name) {
      serial += 1;
      name = "tuijin-map-" + serial;
      el.setAttribute("data-map-name", name);
    }
    if (data.geo.features.length) window.echarts.registerMap(name, data.geo);
    chart.setOption(option(data, name, !!opts.dark), true);
    return chart;
  }

  window.TuijinMap = { draw: draw };

  function init() {
    document.querySelectorAll("[data-geo-map]").forEach(function (el) {
      var holder = document.getElementById(el.getAttribute("data-geo-map"));
      if (!holder) return;
      draw(el, JSON.parse(holder.textContent));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
