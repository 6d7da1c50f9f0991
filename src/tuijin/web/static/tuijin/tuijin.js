/* 推进 Tuijin: the site's small behaviours. Loaded as a file because the CSP forbids inline scripts
   (script-src 'self'); elements opt in with data attributes instead of onclick handlers. */
(function () {
  "use strict";

  // <button data-print>: print the page (A4 landscape, see tuijin.css).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // <form data-autosubmit>: without htmx (or before it loads) a changed drop-down still applies the filter.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (!form || window.htmx || event.target.tagName !== "SELECT") return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();
