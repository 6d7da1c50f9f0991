/* 推进 Tuijin: the site's small behaviours. Loaded as a file because the CSP forbids inline scripts
   (script-src 'self'); elements opt in with data attributes instead of onclick handlers. */
(function () {
  "use strict";

  // On a phone the main menu scrolls sideways: show the current section's link rather than the first ones.
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".main-nav [aria-current='page']");
    var nav = current && current.parentElement;
    if (nav && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = Math.max(0, current.offsetLeft - nav.offsetLeft - 16);
    }
  });

  // <button data-print>: print the page (A4 landscape, see tuijin.css).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // <input type=checkbox data-select-all="NAME">: 全选 ticks (or clears) every checkbox named NAME in its form.
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all || !all.form) return;
    all.form.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-select-all") + '"]')
      .forEach(function (box) { box.checked = all.checked; });
  });

  // <form data-autosubmit>: without htmx (or before it loads) a changed drop-down still applies the filter.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (!form || window.htmx || event.target.tagName !== "SELECT") return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });

  // <form data-upload>: a form with a file chosen is sent with XMLHttpRequest, so that a bar under it (the form's
  // [data-upload-bar], else one added) shows how much of the file has gone up. Once it is up the bar receives
  // `upload-sent` (the import page then asks the server with htmx how far the import has got). The answer:
  // - at the form's own address, on a page without scripts of its own (a preview, the form with its errors, the
  //   import page after a confirmed import): replaces <main>, as a page load would;
  // - else (a redirect to another page, a page with charts): the browser loads that address, and the messages
  //   the server put on the answer ("已导入 n 行") are shown there, since the request that followed the redirect
  //   has used them up.
  // Without JavaScript, or without a file chosen, the form is sent the ordinary way.
  // (A bar on `hx-trigger="submit from:#form"` would not do: htmx cancels the submit events it listens to.)
  var MESSAGES = "tuijin:messages";
  var OWN_SCRIPTS = /\/(htmx[^/]*|tuijin)\.js$/;

  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function showBar(bar, text, done, total) {
    var progress = document.createElement("progress");
    progress.setAttribute("aria-label", "上传");
    if (total) {
      progress.max = total;
      progress.value = done;
    }
    var label = document.createElement("span");
    label.textContent = text;
    var box = document.createElement("div");
    box.className = "import-progress";
    box.append(progress, " ", label);
    bar.replaceChildren(box);
  }

  function barOf(form) {
    var bar = form.querySelector("[data-upload-bar]");
    if (!bar) {
      bar = document.createElement("div");
      bar.className = "wide upload-progress";
      bar.setAttribute("data-upload-bar", "");
      bar.setAttribute("aria-live", "polite");
      form.append(bar);
    }
    return bar;
  }

  function hasFile(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  function needsScripts(doc) {
    return Array.prototype.some.call(doc.querySelectorAll("script[src]"), function (script) {
      return !OWN_SCRIPTS.test(new URL(script.getAttribute("src"), location.href).pathname);
    });
  }

  function load(url, doc) {
    var shown = Array.prototype.map.call(doc.querySelectorAll("#main > .messages li"), function (li) {
      return {tags: li.className, text: li.textContent};
    });
    try {
      if (shown.length) sessionStorage.setItem(MESSAGES, JSON.stringify(shown));
    } catch (e) { /* storage off: the page comes without its messages */ }
    location.assign(url);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-upload]") || !window.FormData || !hasFile(form)) return;
    event.preventDefault();
    var bar = barOf(form);
    var data = new FormData(form);
    var button = event.submitter;
    if (button && button.name) data.append(button.name, button.value);
    var buttons = form.querySelectorAll("button, input[type=submit]");
    buttons.forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    var address = new URL(form.getAttribute("action") || location.href, location.href).href;

    var xhr = new XMLHttpRequest();
    xhr.open("POST", address);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        showBar(bar, "上传中: " + Math.floor(e.loaded * 100 / e.total) + "% (" + size(e.loaded) + " / " +
                size(e.total) + ")", e.loaded, e.total);
      }
    });
    xhr.upload.addEventListener("load", function () {
      showBar(bar, "已上传, 服务器处理中…");
      bar.dispatchEvent(new CustomEvent("upload-sent"));
    });
    xhr.addEventListener("load", function () {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = doc.getElementById("main");
      var url = xhr.responseURL || address;
      if (!main || url.split("#")[0] !== address.split("#")[0] || needsScripts(doc)) {
        load(url, doc);
        return;
      }
      document.title = doc.title;
      document.getElementById("main").replaceWith(main);
      if (window.htmx) window.htmx.process(main);
      window.scrollTo(0, 0);
    });
    xhr.addEventListener("error", function () {
      buttons.forEach(function (b) { b.disabled = false; });
      form.removeAttribute("aria-busy");
      showBar(bar, "上传失败: 网络中断或服务器无应答, 请重新选择文件后再试");
    });
    showBar(bar, "上传中…");
    xhr.send(data);
  });

  // Tables become cards on a phone (tuijin.css, max-width 640px): each cell shows its column's heading, taken
  // from the table's <thead> (a grouped heading as "group · column") unless the template gave one (data-label).
  // Done on load and on every htmx swap, so a filtered list is labelled too.
  // The column that names the row heads its card: the project's, problem's, lead's … name.
  var TITLE = /^(项目名称|项目|名称|问题|标题|线索|企业|企业名称|事项|活动|活动名称|合同|姓名|用户)$/;
  // Columns of running text take the card's whole width.
  var WIDE = /^(说明|描述|备注|形象进度|内容|原因|意见|变更|变更内容|决定|会议决定|规则)$/;

  function labelCells(root) {
    var tables = root.querySelectorAll ? root.querySelectorAll("table") : [];
    if (root.tagName === "TABLE") tables = [root];
    Array.prototype.forEach.call(tables, function (table) {
      if (!table.tHead) return;
      var labels = [];
      var taken = [];
      Array.prototype.forEach.call(table.tHead.rows, function (row, r) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          while (taken[r] && taken[r][col]) col++;
          var text = cell.textContent.replace(/\s+/g, " ").trim();
          for (var c = col; c < col + cell.colSpan; c++) {
            if (text && labels[c] !== text) labels[c] = labels[c] ? labels[c] + " · " + text : text;
            for (var down = 1; down < cell.rowSpan; down++) {
              taken[r + down] = taken[r + down] || [];
              taken[r + down][c] = true;
            }
          }
          col += cell.colSpan;
        });
      });
      Array.prototype.forEach.call(table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr"), function (row) {
        var col = 0;
        var titled = row.querySelector(".name, .card-title");
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = labels[col] || "";
          // A cell across several columns (没有记录, a total's caption) speaks for itself.
          if (!cell.hasAttribute("data-label") && label && cell.colSpan === 1) cell.setAttribute("data-label", label);
          if (!titled && TITLE.test(label)) {
            cell.classList.add("card-title");
            titled = cell;
          } else if (WIDE.test(label)) {
            cell.classList.add("card-wide");
          } else if ((!label || label === "操作") && cell.querySelector("a, button")) {
            cell.classList.add("card-actions");
          }
          col += cell.colSpan;
        });
      });
    });
  }
  labelCells(document);
  document.addEventListener("htmx:load", function (event) { labelCells(event.target); });

  // The messages of an upload's answer, on the page the browser loaded after it (see above).
  (function () {
    var stored;
    try {
      stored = JSON.parse(sessionStorage.getItem(MESSAGES) || "null");
      sessionStorage.removeItem(MESSAGES);
    } catch (e) {
      return;
    }
    var main = document.getElementById("main");
    if (!stored || !main || main.querySelector(".messages")) return;
    var list = document.createElement("ul");
    list.className = "messages";
    list.setAttribute("role", "status");
    stored.forEach(function (m) {
      var li = document.createElement("li");
      li.className = m.tags;
      li.textContent = m.text;
      list.append(li);
    });
    main.prepend(list);
  })();
})();
