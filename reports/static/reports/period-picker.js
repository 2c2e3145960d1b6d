/* Cầu Nối: the period picker beside the period text box (reports/forms.py PeriodInput).
 * Choose the kind of period, then its month, quarter, half and year from selects, or two
 * dates for a custom range: the picker writes the period into the text box in the words
 * the server reads ("Quý III/2026", "01/01/2026 - 31/08/2026"), from the formats the
 * server gave (data-format-*). Typing in the box still works; without JavaScript the
 * picker stays hidden and the box is the whole field. */
(function () {
  "use strict";

  function dmy(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? m[3] + "/" + m[2] + "/" + m[1] : "";
  }

  function fill(format, values) {
    return format.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] !== undefined ? values[name] : all;
    });
  }

  function setup(picker) {
    if (picker.dataset.pickerReady) { return; }
    var input = document.getElementById(picker.dataset.target);
    if (!input) { return; }
    picker.dataset.pickerReady = "1";
    function part(name) { return picker.querySelector('[data-part="' + name + '"]'); }
    var kind = part("kind");
    var rows = Array.prototype.slice.call(picker.querySelectorAll("[data-kinds]"));

    function show() {
      rows.forEach(function (row) {
        row.hidden = row.dataset.kinds.split(" ").indexOf(kind.value) < 0;
      });
    }

    function text() {
      var k = kind.value;
      var year = part("year").value;
      var format = picker.dataset["format" + k.charAt(0).toUpperCase() + k.slice(1)];
      if (k === "month") {
        return fill(format, { n: part("month").value, y: year });
      }
      if (k === "quarter") {
        var q = part("quarter");
        return fill(format, { r: q.options[q.selectedIndex].dataset.roman, y: year });
      }
      if (k === "half") {
        return fill(picker.dataset["formatHalf" + part("half").value], { y: year });
      }
      if (k === "custom") {
        var start = dmy(part("start").value), end = dmy(part("end").value);
        if (!start || !end) { return null; }
        return fill(picker.dataset.formatCustom, { start: start, end: end });
      }
      return fill(format, { y: year });
    }

    function write() {
      show();
      var value = text();
      if (value !== null) {
        input.value = value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    picker.addEventListener("change", function (event) {
      if (event.target !== input) { write(); }
    });
    show();
    picker.hidden = false;
  }

  function init(root) {
    Array.prototype.forEach.call(
      (root || document).querySelectorAll("[data-period-picker]"), setup
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else {
    init();
  }
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
