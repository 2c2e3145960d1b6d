/* Cầu Nối: small progressive enhancements. Pages work without JavaScript. */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function setupAreaPicker(select) {
    if (select.dataset.ready) return;
    select.dataset.ready = "1";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "area-search";
    input.placeholder = select.dataset.placeholder || (document.documentElement.lang === "en" ? "Type to search (accents optional)" : "Gõ để tìm (có dấu hoặc không dấu)");
    input.setAttribute("aria-label", input.placeholder);
    input.autocomplete = "off";
    select.parentNode.insertBefore(input, select);
    var run = debounce(function () {
      var q = input.value.trim();
      if (q.length < 2) return;
      var url = select.dataset.searchUrl + "?kind=" + encodeURIComponent(select.dataset.areaPicker) + "&q=" + encodeURIComponent(q);
      var pf = select.dataset.provinceField;
      if (pf) {
        var p = document.querySelector("[name='" + pf + "']");
        if (p && p.value) url += "&province=" + encodeURIComponent(p.value);
      }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          var kept = Array.prototype.filter.call(select.options, function (o) { return o.selected && o.value; });
          var keptValues = kept.map(function (o) { return o.value; });
          select.innerHTML = "";
          if (!select.multiple) select.appendChild(new Option("—", ""));
          kept.forEach(function (o) { select.appendChild(o); });
          data.results.forEach(function (r) {
            if (keptValues.indexOf(String(r.id)) === -1) select.appendChild(new Option(r.text, r.id));
          });
          if (!select.multiple && data.results.length && !keptValues.length) {
            select.size = Math.min(6, data.results.length + 1);
          }
        });
    }, 250);
    input.addEventListener("input", run);
    select.addEventListener("change", function () { if (!select.multiple) select.size = 0; });
  }

  function init(root) {
    (root || document).querySelectorAll("select[data-area-picker]").forEach(setupAreaPicker);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
