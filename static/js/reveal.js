/* Cầu Nối: identifying values (a client's name, phone) are shown only on a tap and hidden
 * again after a while (data-reveal-seconds), when the page is left or the phone locks,
 * so that a glance over the shoulder reveals nothing. The <details> element does the
 * showing without JavaScript; this only closes it again. */
(function () {
  "use strict";

  function setup(box) {
    var timer;
    box.addEventListener("toggle", function () {
      clearTimeout(timer);
      var seconds = Number(box.dataset.revealSeconds || 20);
      if (box.open) timer = setTimeout(function () { box.open = false; }, seconds * 1000);
    });
  }

  function hideAll() {
    document.querySelectorAll("details[data-reveal]").forEach(function (box) { box.open = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("details[data-reveal]").forEach(setup);
  });
  document.addEventListener("visibilitychange", function () { if (document.hidden) hideAll(); });
  window.addEventListener("pagehide", hideAll);
})();
