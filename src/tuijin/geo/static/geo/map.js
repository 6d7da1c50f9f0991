/* 推进 一张图: draws the map from the JSON the page carries (<script type="application/json">, the CSP allows no
   inline script) or that the big screen fetches. The districts' outlines are the city's own uploaded GeoJSON,
   registered with echarts.registerMap: no tiles, no map service, works offline. Districts are shaded by the
   figure the server printed (完成率 or 超/欠序时, from the engine); projects are points coloured by their light
   and sized by their 计划总投资. A click on a district opens its project list, a click on a point the project.
   window.TuijinMap.draw(el, data, {dark}) is what the screen calls. */
(function () {
  "use strict";

  var serial = 0;

  // A point's area grows with its 计划总投资 (亿元); many points are drawn smaller so the districts show through.
  function sizer(scale, count) {
    var k = count > 150 ? 0.6 : count > 50 ? 0.8 : 1;
    return function (value) {
      var yi = Math.max(0, (value && value[2]) || 0);
      return Math.max(5, Math.min(28, 5 + Math.sqrt(yi) * 2.2)) * scale * k;
    };
  }

  // Where a region's name goes: the centre of the bounding box of its largest ring.
  function labelAt(geometry) {
    var rings = geometry.type === "Polygon" ? [geometry.coordinates[0]]
      : geometry.coordinates.map(function (p) { return p[0]; });
    var best = null, bestArea = -1;
    rings.forEach(function (ring) {
      var xs = ring.map(function (c) { return c[0]; }), ys = ring.map(function (c) { return c[1]; });
      var box = [Math.min.apply(null, xs), Math.min.apply(null, ys), Math.max.apply(null, xs), Math.max.apply(null, ys)];
      var area = (box[2] - box[0]) * (box[3] - box[1]);
      if (area > bestArea) { bestArea = area; best = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]; }
    });
    return best;
  }

  // The map's size in pixels: as large as the box allows, at its true proportions (layoutSize is its longer side).
  function layoutSize(el, geo, aspectScale) {
    var lo = [180, 90], hi = [-180, -90];
    (function walk(c) {
      if (typeof c[0] === "number") {
        lo = [Math.min(lo[0], c[0]), Math.min(lo[1], c[1])]; hi = [Math.max(hi[0], c[0]), Math.max(hi[1], c[1])];
        return;
      }
      c.forEach(walk);
    })(geo.features.map(function (f) { return f.geometry.coordinates; }));
    var w = Math.max(1e-6, (hi[0] - lo[0]) * aspectScale), h = Math.max(1e-6, hi[1] - lo[1]);
    var boxW = el.clientWidth * 0.96, boxH = el.clientHeight - 56;
    var fit = Math.min(boxW / w, boxH / h);
    return Math.max(50, Math.round(Math.max(w, h) * fit));
  }

  function aspect(geo) {
    var lo = 90, hi = -90;
    (function walk(c) {
      if (typeof c[0] === "number") { lo = Math.min(lo, c[1]); hi = Math.max(hi, c[1]); return; }
      c.forEach(walk);
    })(geo.features.map(function (f) { return f.geometry.coordinates; }));
    return hi < lo ? 0.85 : Math.cos((lo + hi) / 2 * Math.PI / 180);
  }

  function range(data) {
    var lo = data.range[0], hi = data.range[1];
    // 完成率: the units' own spread (5 points either side), so close rates still read apart; the legend says it.
    if (data.measure === "rate") return [Math.max(0, Math.floor(lo - 5)), Math.ceil(hi + 5)];
    var m = Math.max(Math.abs(lo), Math.abs(hi), 1);
    return [-Math.ceil(m), Math.ceil(m)];
  }

  function option(el, data, name, dark, scale) {
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
      type: "scatter", name: "项目", data: points, symbolSize: sizer(scale, points.length), z: 5,
      itemStyle: { borderColor: dark ? "#0b1426" : "#fff", borderWidth: 0.6 * scale, opacity: 0.85 },
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
    var aspectScale = aspect(data.geo);
    // The units' names on top of the points (a series of its own: a geo label would lie under them).
    var names = {
      type: "scatter", name: "单位", coordinateSystem: "geo", z: 10, symbolSize: 1, silent: true, // a click goes through to the point or the district below
      itemStyle: { color: "rgba(0, 0, 0, 0)" }, tooltip: { show: false },
      data: data.geo.features.map(function (f) { return { name: f.properties.name, value: labelAt(f.geometry) }; }),
      label: {
        show: true, formatter: "{b}", color: dark ? "#fff" : "#1d2433", fontSize: 12 * scale, fontWeight: "bold",
        backgroundColor: dark ? "rgba(7, 16, 31, .72)" : "rgba(255, 255, 255, .82)", padding: [2 * scale, 4 * scale],
        borderRadius: 3 * scale
      }
    };
    return {
      animation: false, tooltip: tooltip, textStyle: { color: text },
      visualMap: {
        type: "continuous", min: lim[0], max: lim[1], seriesIndex: 0, orient: "horizontal", left: "center",
        bottom: 0, itemWidth: 12 * scale, itemHeight: 120 * scale, calculable: false, inRange: { color: colours },
        text: [lim[1] + (data.measure === "rate" ? "%" : ""), lim[0] + (data.measure === "rate" ? "%" : "")],
        textStyle: { color: text, fontSize: 12 * scale }
      },
      geo: {
        // Kept to scale: a degree of longitude is cos(latitude) of a degree of latitude (no stretching).
        map: name, roam: true, layoutCenter: ["50%", "46%"], layoutSize: layoutSize(el, data.geo, aspectScale),
        aspectScale: aspectScale,
        label: { show: false },
        itemStyle: { areaColor: dark ? "#1c2a44" : "#eef1f5", borderColor: dark ? "#6d86b3" : "#fff", borderWidth: 1.5 * scale },
        emphasis: { label: { show: false }, itemStyle: { borderColor: "#1f6feb", borderWidth: 2 } },
        select: { disabled: true }
      },
      series: [
        {
          type: "map", geoIndex: 0, name: data.measure_label,
          data: data.regions.filter(function (r) { return r.has_shape; })
            .map(function (r) { return { name: r.name, value: r.value }; })
        },
        scatter,
        names
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
      window.addEventListener("resize", function () {
        chart.resize();
        if (el.tuijinData && el.tuijinData.geo.features.length) draw(el, el.tuijinData, opts);
      });
      if (!opts.kiosk) {
        chart.on("click", function (p) {
          var target = null;
          if (p.seriesType === "scatter" && p.seriesName === "项目") {
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
    // On the screen everything grows with the root font (1920 px: 16 px; 3840 px: 32 px), so it reads from afar.
    var scale = opts.dark ? (parseFloat(getComputedStyle(document.documentElement).fontSize) || 16) / 12 : 1;
    chart.setOption(option(el, data, name, !!opts.dark, scale), true);
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
