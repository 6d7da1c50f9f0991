/* 推进 大屏: fetches the screen's JSON (the engine's figures, through the same selectors as the pages) every
   data-refresh seconds without reloading the page, rotates the right-hand panels every data-rotate seconds,
   and keeps the last figures on screen when a fetch fails (saying so, and trying again). A kiosk link that has
   been revoked answers 403: the screen says so and stops asking. Every text goes in as textContent. */
(function () {
  "use strict";

  var root = document.getElementById("screen");
  if (!root) return;
  var src = root.getAttribute("data-src");
  var refresh = Math.max(2, parseInt(root.getAttribute("data-refresh"), 10) || 300) * 1000;
  var rotate = Math.max(2, parseInt(root.getAttribute("data-rotate"), 10) || 20) * 1000;
  var kiosk = root.getAttribute("data-kiosk") === "1";
  var loads = 0, fails = 0, rotations = 0, stopped = false, trend = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function now() {
    var d = new Date();
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function status(text, error) {
    var s = $("s-status");
    s.textContent = text;
    s.classList.toggle("error", !!error);
  }

  function overlay(text) {
    $("s-overlay-text").textContent = text;
    $("s-overlay").hidden = false;
  }

  function kpis(list) {
    var box = $("s-kpis");
    box.replaceChildren();
    list.forEach(function (k) {
      var tile = el("div", "kpi");
      tile.appendChild(el("div", "label", k.label));
      var v = el("div", "value", k.value);
      if (k.unit) v.appendChild(el("small", null, k.unit));
      tile.appendChild(v);
      var sub = el("div", "sub");
      if (k.yoy) {
        sub.appendChild(document.createTextNode("同比 "));
        sub.appendChild(el("span", k.yoy_class === "up" || k.yoy_class === "pos" ? "up" :
          (k.yoy_class ? "down" : ""), k.yoy));
      } else if (k.subs && k.subs.length) {
        sub.textContent = k.subs.slice(0, 2).map(function (s) { return s[0] + " " + s[1]; }).join(" · ");
      }
      tile.appendChild(sub);
      box.appendChild(tile);
    });
  }

  function ranking(rows) {
    var box = $("s-ranking");
    box.replaceChildren();
    rows.slice(0, 12).forEach(function (r, i) {
      var li = el("li");
      li.appendChild(el("span", "no", String(i + 1)));
      li.appendChild(el("span", "name", r.name));
      var bar = el("span", "bar"), fill = el("i");
      fill.style.width = Math.max(1, Math.min(100, r.rate_num || 0)) + "%";  // of 100%
      bar.appendChild(fill);
      li.appendChild(bar);
      li.appendChild(el("span", "rate", r.rate));
      li.title = r.variance;
      box.appendChild(li);
    });
    if (!rows.length) box.appendChild(el("li", "muted", "暂无板块数据"));
  }

  function signings(rows, period) {
    var box = $("s-signings");
    box.replaceChildren();
    $("s-sign-note").textContent = period + " · 最新";
    rows.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("span", "date", r.date));
      var name = el("span", "name", r.name);
      name.appendChild(el("small", null, r.unit));
      li.appendChild(name);
      li.appendChild(el("span", "amt", r.total + " 亿元"));
      box.appendChild(li);
    });
    if (!rows.length) box.appendChild(el("li", "muted", "本期暂无新签约项目"));
  }

  function lights(counts, rows) {
    var box = $("s-lights");
    box.replaceChildren();
    [["red", "红灯"], ["yellow", "黄灯"], ["green", "绿灯"]].forEach(function (l) {
      var d = el("div", l[0]);
      d.appendChild(el("b", null, String(counts[l[0]] || 0)));
      d.appendChild(el("span", null, l[1] + "项目"));
      box.appendChild(d);
    });
    var list = $("s-unit-lights");
    list.replaceChildren();
    rows.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("span", "dot " + r.light));
      li.appendChild(document.createTextNode(r.name + " " + r.variance));
      list.appendChild(li);
    });
  }

  function drawTrend(option) {
    if (!window.echarts || !option) return;
    var o = JSON.parse(JSON.stringify(option));
    delete o.title;
    var text = "#e6edf7", size = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    o.animation = false;
    o.backgroundColor = "transparent";
    o.textStyle = { color: text, fontSize: size * 1.05 };
    o.legend = { top: 0, textStyle: { color: text, fontSize: size * 1.05 } };
    o.grid = { left: size * 3.6, right: size, top: size * 2.6, bottom: size * 2 };
    o.tooltip = { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } };
    o.xAxis.axisLabel = { color: text, fontSize: size };
    o.yAxis.axisLabel = { color: text, fontSize: size, formatter: "{value}%" };
    o.yAxis.splitLine = { lineStyle: { color: "#1f3a66" } };
    (o.series || []).forEach(function (s, i) {
      s.lineStyle = Object.assign({}, s.lineStyle || {}, { width: i === 0 ? 4 : 2 });
      s.symbolSize = i === 0 ? size * .6 : size * .4;
      (s.data || []).forEach(function (d) { if (d && typeof d === "object") { delete d.url; } });
    });
    if (o.series && o.series[2]) {
      o.series[2].lineStyle.color = "#9fb3d1";
      o.series[2].itemStyle = { color: "#9fb3d1" };
    }
    trend = window.echarts.getInstanceByDom($("s-trend")) || window.echarts.init($("s-trend"), null, { renderer: "canvas" });
    trend.setOption(o, true);
  }

  function render(data) {
    if (data.empty) {
      status(data.message || "暂无数据");
      return;
    }
    $("s-title").textContent = data.title;
    $("s-period").textContent = data.period + " · " + data.list + " · 序时进度 " + data.share;
    $("s-map-title").textContent = "一张图 · " + data.map.measure_label;
    kpis(data.kpis);
    ranking(data.ranking);
    signings(data.signings, data.period);
    lights(data.lights, data.ranking);
    drawTrend(data.trend);
    if (window.TuijinMap) window.TuijinMap.draw($("s-map"), data.map, { dark: true, kiosk: true });
  }

  function schedule() {
    if (!stopped) window.setTimeout(load, refresh);
  }

  function load() {
    fetch(src, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 403 && kiosk) {
          stopped = true;
          throw new Error("revoked");
        }
        var type = r.headers.get("Content-Type") || "";
        if (r.redirected || type.indexOf("application/json") < 0) throw new Error("登录已过期, 请刷新页面重新登录");
        if (!r.ok) throw new Error("服务器返回 " + r.status);
        return r.json();
      })
      .then(function (data) {
        render(data);
        loads += 1;
        root.setAttribute("data-loads", String(loads));
        status("数据更新于 " + now());
      })
      .catch(function (e) {
        fails += 1;
        root.setAttribute("data-fails", String(fails));
        if (e.message === "revoked") {
          overlay("该大屏链接已被撤销, 请联系市管理员重新生成");
          status("大屏链接已失效", true);
          return;
        }
        status("数据更新失败 (" + e.message + "), " + Math.round(refresh / 1000) + " 秒后重试", true);
      })
      .then(schedule);
  }

  var panels = Array.prototype.slice.call(document.querySelectorAll("#s-rotator .rot"));
  var dots = $("s-dots");
  panels.forEach(function (p, i) { var d = el("i", i === 0 ? "on" : ""); dots.appendChild(d); });

  function next() {
    var at = panels.findIndex(function (p) { return p.classList.contains("active"); });
    var to = (at + 1) % panels.length;
    panels[at].classList.remove("active");
    panels[to].classList.add("active");
    Array.prototype.forEach.call(dots.children, function (d, i) { d.classList.toggle("on", i === to); });
    rotations += 1;
    root.setAttribute("data-rotations", String(rotations));
    root.setAttribute("data-panel", panels[to].getAttribute("data-panel"));
    if (trend && panels[to].getAttribute("data-panel") === "trend") trend.resize();
  }

  function tick() { $("s-clock").textContent = now(); }

  function start() {
    root.setAttribute("data-panel", panels[0].getAttribute("data-panel"));
    tick();
    window.setInterval(tick, 1000);
    window.setInterval(next, rotate);
    window.addEventListener("resize", function () { if (trend) trend.resize(); });
    load();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
