/* Cầu Nối: a search box above a long list of radio choices (the services of a referral).
 * Typing filters the rows by their text, accents optional ("tu van" finds "Tư vấn"); the
 * chosen row always stays shown. Without JavaScript the whole list is there. */
(function () {
  "use strict";

  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function setup(list) {
    if (list.dataset.filterReady) return;
    list.dataset.filterReady = "1";
    var rows = Array.prototype.slice.call(list.querySelectorAll("label"));
    if (rows.length < 5) return;
    var input = document.createElement("input");
    input.type = "search";
    input.className = "choice-search";
    input.autocomplete = "off";
    input.placeholder = list.dataset.searchPlaceholder ||
      (document.documentElement.lang === "en" ? "Search by name (accents optional)" : "Tìm theo tên (có dấu hoặc không dấu)");
    input.setAttribute("aria-label", input.placeholder);
    list.parentNode.insertBefore(input, list);
    var none = document.createElement("p");
    none.className = "muted choice-none";
    none.hidden = true;
    none.textContent = document.documentElement.lang === "en" ? "No service matches." : "Không có dịch vụ nào khớp.";
    list.parentNode.insertBefore(none, list.nextSibling);
    var texts = rows.map(function (row) { return fold(row.textContent); });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(" ").filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var radio = row.querySelector("input");
        var match = words.every(function (w) { return texts[i].indexOf(w) !== -1; });
        var keep = match || (radio && radio.checked);
        (row.parentNode.tagName === "DIV" && row.parentNode !== list ? row.parentNode : row).hidden = !keep;
        if (keep) shown += 1;
      });
      none.hidden = shown > 0;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".service-choice").forEach(setup);
  });
})();
