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
          if (!select.multiple) select.appendChild(new Option(select.dataset.emptyLabel || "—", ""));
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
  // No inline handlers (the Content-Security-Policy forbids them): buttons and selects
  // say what they do with data attributes, handled here for the whole page.
  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-print]") : null;
    if (el) { e.preventDefault(); window.print(); }
  });
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();

/* Offline outreach (see docs/architecture.md, "Offline outreach").
 * - Registers the service worker (/sw.js) for users who log outreach.
 * - Without a connection, a form marked data-offline-form (the head-count form) is not
 *   posted: what it holds is kept in this phone's storage with a random client_uuid.
 * - On every page load and when the connection comes back, kept contacts are sent to the
 *   JSON API. Accepted ones (200/201) are removed; refused ones (422, 404) stay, shown with
 *   the reason; the client_uuid makes a retry safe (the server never records it twice).
 * Only the form's own fields are kept: never a name or a phone number. */
(function () {
  "use strict";

  var KEY = "caunoi.outbox.v1";
  var EDIT_KEY = "caunoi.outbox.edit";  // the refused contact being corrected (this tab)
  var PAGES_CACHE = "caunoi-pages";
  var box, syncing = false;

  // A list of messages (the server's reasons for refusing a contact), as text only.
  function messageList(className, messages) {
    var list = document.createElement("ul");
    list.className = className;
    messages.forEach(function (message) {
      var li = document.createElement("li");
      li.textContent = message;
      list.appendChild(li);
    });
    return list;
  }

  function t(name, count) {
    var text = (box && box.dataset["t" + name.charAt(0).toUpperCase() + name.slice(1)]) || "";
    return text.replace("%(count)s", count === undefined ? "" : String(count));
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]") || []; } catch (e) { return []; }
  }
  function store(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function mine() {
    var user = box && box.dataset.user;
    return load().filter(function (item) { return user && item.user === user; });
  }
  function replace(uuid, update) {
    store(load().reduce(function (out, item) {
      if (item.payload.client_uuid !== uuid) out.push(item);
      else if (update) out.push(update(item));
      return out;
    }, []));
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }

  function optionLabel(form, name, value) {
    var field = form.elements[name];
    if (!field || !field.options) return "";
    var option = Array.prototype.filter.call(field.options, function (o) { return o.value === value; })[0];
    return option ? option.text : "";
  }

  // The form's fields as the API's JSON: exactly what the page would have posted.
  function payloadOf(form) {
    var data = new FormData(form);
    var key = form.elements.client_uuid && form.elements.client_uuid.value;
    var payload = { client_uuid: key || newUuid(), topics: data.getAll("topics"), needs: data.getAll("needs"), items: [] };
    ["peer_group", "contact_date", "head_count", "place_type", "establishment", "commune"].forEach(function (name) {
      var value = data.get(name);
      if (value !== null && String(value).trim() !== "") payload[name] = String(value).trim();
    });
    data.forEach(function (value, name) {
      value = String(value).trim();
      if (!value || value === "0") return;
      var m = /^qty_(.+)$/.exec(name), mat = /^material_(\d+)$/.exec(name);
      if (m) payload.items.push({ item_kind: m[1], quantity: value });
      else if (mat) payload.items.push({ item_kind: "material", material: Number(mat[1]), quantity: value });
    });
    return payload;
  }

  function summaryOf(form, payload) {
    var parts = [];
    if (payload.contact_date) parts.push(payload.contact_date.split("-").reverse().join("/"));
    if (payload.head_count) parts.push(t("people", payload.head_count));
    var place = optionLabel(form, "place_type", payload.place_type || "");
    if (place) parts.push(place);
    return parts.join(" · ");
  }

  function errorsOf(body) {
    var labels = {};
    try { labels = JSON.parse(box.dataset.labels || "{}"); } catch (e) { labels = {}; }
    var out = [];
    var errors = (body && body.errors) || {};
    Object.keys(errors).forEach(function (field) {
      var label = field === "__all__" ? "" : (labels[field] || field) + ": ";
      errors[field].forEach(function (message) { out.push(label + message); });
    });
    if (!out.length) out.push((body && body.detail) || "?");
    return out;
  }

  function refused(item) { return item.errors && item.errors.length; }

  function render(status) {
    if (!box) return;
    var items = box.hasAttribute("data-device-only") ? load() : mine();
    var waiting = items.filter(function (item) { return !refused(item); });
    var statusEl = box.querySelector(".outbox-status");
    if (status !== undefined) statusEl.textContent = status;
    // Waiting means "will be sent": a refused contact waits for its correction instead.
    box.querySelector("[data-testid=outbox-pending]").textContent = waiting.length ? t("pending", waiting.length) : "";
    var send = box.querySelector("[data-outbox-send]");
    if (send) send.hidden = !waiting.length || box.hasAttribute("data-device-only");
    var list = box.querySelector(".outbox-rejected");
    list.innerHTML = "";
    var rejected = items.filter(refused);
    if (rejected.length && !box.hasAttribute("data-device-only")) {
      var head = document.createElement("li");
      head.className = "outbox-head";
      head.textContent = t("rejected");
      list.appendChild(head);
      rejected.forEach(function (item) {
        var li = document.createElement("li");
        var what = document.createElement("div");
        what.textContent = item.summary;
        li.appendChild(what);
        li.appendChild(messageList("errorlist", item.errors));
        if (box.dataset.form) {
          var fix = document.createElement("button");
          fix.type = "button";
          fix.className = "small";
          fix.textContent = t("correct");
          fix.setAttribute("data-outbox-fix", "");
          fix.addEventListener("click", function () {
            sessionStorage.setItem(EDIT_KEY, item.payload.client_uuid);
            location.href = box.dataset.form;
          });
          li.appendChild(fix);
          li.appendChild(document.createTextNode(" "));
        }
        var discard = document.createElement("button");
        discard.type = "button";
        discard.className = "secondary small";
        discard.textContent = t("discard");
        discard.addEventListener("click", function () {
          if (window.confirm(t("confirm"))) { replace(item.payload.client_uuid); render(""); }
        });
        li.appendChild(discard);
        list.appendChild(li);
      });
    }
    box.hidden = !items.length && !statusEl.textContent;
  }

  function sync() {
    if (!box || !box.dataset.user || syncing) return;
    // A refused contact is not sent again as it is: it waits for the peer to correct it.
    var queue = mine().filter(function (item) { return !refused(item); });
    if (!queue.length) return;
    if (!navigator.onLine) { render(t("offline")); return; }
    syncing = true;
    render(t("sending"));
    var sent = 0;
    function next(i) {
      if (i >= queue.length) return Promise.resolve(null);
      var item = queue[i];
      return fetch(box.dataset.api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": box.dataset.csrf },
        body: JSON.stringify(item.payload)
      }).then(function (response) {
        if (response.status === 200 || response.status === 201) {
          replace(item.payload.client_uuid);
          sent += 1;
          return next(i + 1);
        }
        if (response.status === 401) return "signin";
        if (response.status === 403) return "reload";
        if (response.status === 422 || response.status === 404 || response.status === 409) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            replace(item.payload.client_uuid, function (kept) { kept.errors = errorsOf(body); return kept; });
            return next(i + 1);
          });
        }
        return "later";
      }, function () { return "offline"; });
    }
    next(0).then(function (stopped) {
      syncing = false;
      var messages = [];
      if (sent) messages.push(t("sent", sent));
      if (stopped) messages.push(t(stopped));
      render(messages.join(" "));
    });
  }

  // What the server will check (outreach.forms.ContactForm), checked before a contact is
  // kept: a contact the server would refuse is never stored, it is corrected here.
  function checkOffline(form) {
    var errors = {};
    function add(name, message) { (errors[name] = errors[name] || []).push(message); }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.disabled) return;
      var value = String(el.value || "").trim();
      if (el.required && el.type !== "checkbox" && !value) { add(el.name, t("required")); return; }
      if (!value) return;
      if (el.type === "number") {
        if (!/^-?\d+$/.test(value)) { add(el.name, t("number")); return; }
        var n = Number(value);
        if (el.min !== "" && n < Number(el.min)) add(el.name, t("min", el.min));
        if (el.max !== "" && n > Number(el.max)) add(el.name, t("max", el.max));
      }
      if (el.type === "date") {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) add(el.name, t("required"));
        else if (value > today()) add(el.name, t("future"));
      }
    });
    var place = form.elements.place_type, est = form.elements.establishment;
    if (place && est && place.value === "establishment" && !est.value &&
        Array.prototype.some.call(est.options, function (o) { return o.value; })) {
      add("establishment", t("establishment"));
    }
    return errors;
  }

  function showErrors(form, errors) {
    form.querySelectorAll(".offline-errors").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".field.has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var names = Object.keys(errors);
    if (!names.length) return true;
    var notice = document.createElement("p");
    notice.className = "notice danger offline-errors";
    notice.setAttribute("role", "alert");
    notice.textContent = t("fix");
    form.insertBefore(notice, form.firstChild);
    names.forEach(function (name) {
      var el = form.elements[name];
      var field = el && (el.closest ? el.closest(".field") : null);
      if (!field) return;
      field.classList.add("has-error");
      var list = document.createElement("ul");
      list.className = "errorlist offline-errors";
      errors[name].forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        list.appendChild(li);
      });
      field.appendChild(list);
    });
    var first = form.elements[names[0]];
    if (first && first.focus) first.focus();
    return false;
  }

  function saveOffline(form) {
    if (!showErrors(form, checkOffline(form))) return;
    var payload = payloadOf(form);
    replace(payload.client_uuid);  // a corrected contact takes the place of the refused one
    var items = load();
    var labels = {};
    if (payload.commune) labels.commune = optionLabel(form, "commune", payload.commune);
    items.push({ user: box.dataset.user, saved_at: new Date().toISOString(), payload: payload, summary: summaryOf(form, payload), errors: [], labels: labels });
    store(items);
    forgetEdit(form);
    form.reset();
    showErrors(form, {});
    freshKey(form);  // the next contact is another one
    // A second tap on the same button is not a second contact.
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      setTimeout(function () { button.disabled = false; }, 2000);
    }
    render(t("saved"));
    window.scrollTo(0, 0);
  }

  function freshKey(form) {
    // Each contact gets its own key: a page kept on the phone must not reuse the key it
    // was served with for every contact logged from it.
    if (form.elements.client_uuid) form.elements.client_uuid.value = newUuid();
  }

  function forgetEdit(form) {
    var notice = form.querySelector("[data-outbox-editing]");
    if (notice) notice.remove();
  }

  // "Correct" on a refused contact: the form opens with what it held, under the same key
  // (it was never recorded), and the reasons it was refused above it.
  function openForEdit(form) {
    var uuid = sessionStorage.getItem(EDIT_KEY);
    if (!uuid) return;
    sessionStorage.removeItem(EDIT_KEY);
    var item = mine().filter(function (it) { return it.payload.client_uuid === uuid; })[0];
    if (!item) return;
    var p = item.payload;
    ["peer_group", "contact_date", "head_count", "place_type", "establishment"].forEach(function (name) {
      var el = form.elements[name];
      if (el && p[name] !== undefined) el.value = p[name];
    });
    var commune = form.elements.commune;
    if (commune && p.commune) {
      var has = Array.prototype.some.call(commune.options, function (o) { return o.value === String(p.commune); });
      if (!has) commune.appendChild(new Option((item.labels && item.labels.commune) || String(p.commune), String(p.commune)));
      commune.value = String(p.commune);
    }
    ["topics", "needs"].forEach(function (name) {
      form.querySelectorAll("input[name=" + name + "]").forEach(function (el) {
        el.checked = (p[name] || []).indexOf(el.value) !== -1;
      });
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (/^(qty_|material_)/.test(el.name || "")) el.value = "0";
    });
    (p.items || []).forEach(function (row) {
      var name = row.item_kind === "material" ? "material_" + row.material : "qty_" + row.item_kind;
      if (form.elements[name]) form.elements[name].value = row.quantity;
    });
    if (form.elements.client_uuid) form.elements.client_uuid.value = uuid;
    var notice = document.createElement("div");
    notice.className = "notice danger";
    notice.setAttribute("role", "alert");
    notice.setAttribute("data-outbox-editing", "");
    var head = document.createElement("p");
    head.className = "error-title";
    head.textContent = t("editing");
    notice.appendChild(head);
    notice.appendChild(messageList("error-fields", item.errors));
    form.insertBefore(notice, form.firstChild);
  }

  function setupForm(form) {
    freshKey(form);
    openForEdit(form);
    // A copy kept on the phone shows the date it was kept: today is what a peer means.
    var date = form.elements.contact_date;
    if (date && form.dataset.today && date.value === form.dataset.today && today() !== form.dataset.today) {
      date.value = today();
      date.defaultValue = today();
    }
    form.addEventListener("submit", function (event) {
      var key = form.elements.client_uuid && form.elements.client_uuid.value;
      if (navigator.onLine && box && key && mine().some(function (it) { return it.payload.client_uuid === key; })) {
        // A corrected contact sent with the page: the kept copy becomes the corrected one,
        // no longer refused. Once the page has recorded it, the next sync finds it under
        // its key and drops it; if the page refuses it, the sync brings the reasons back.
        replace(key, function (kept) {
          kept.payload = payloadOf(form);
          kept.summary = summaryOf(form, kept.payload);
          kept.errors = [];
          return kept;
        });
      }
      if (navigator.onLine || !box || !box.dataset.user) return;
      event.preventDefault();
      saveOffline(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    box = document.getElementById("outbox");
    if (box && box.hasAttribute("data-signed-out")) {
      // No one is signed in: forget the pages kept for the last user (contacts stay).
      if (window.caches) caches.delete(PAGES_CACHE);
      return;
    }
    if (document.body.hasAttribute("data-offline-page")) {
      // Back online: try the page again (after a moment, if the phone still says so).
      window.addEventListener("online", function () {
        setTimeout(function () { if (navigator.onLine) location.reload(); }, 1000);
      });
      var again = document.querySelector("[data-reload]");
      if (again) again.addEventListener("click", function () { location.reload(); });
    }
    if (!box) return;
    if (box.dataset.sw && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(box.dataset.sw, { scope: "/" }).catch(function () {});
    }
    document.querySelectorAll("form[data-offline-form]").forEach(setupForm);
    var send = box.querySelector("[data-outbox-send]");
    if (send) send.addEventListener("click", sync);
    window.addEventListener("online", sync);
    window.addEventListener("offline", function () { if (mine().length) render(t("offline")); });
    render();
    sync();
  });
})();

/* Referral slip QR codes point to the look-up page with the code in the fragment
   (…/inbox/find/#CODE): a fragment never reaches the server, so the code stays out of
   request lines and access logs. Fill the form from it, forget it, and post it. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-code-from-fragment]");
    if (!form || !window.location.hash) return;
    var code = decodeURIComponent(window.location.hash.slice(1)).trim();
    history.replaceState(null, "", window.location.pathname + window.location.search);
    var input = document.getElementById(form.dataset.codeFromFragment);
    if (!input || !/^[A-Za-z0-9-]{4,40}$/.test(code)) return;
    input.value = code;
    form.submit();
  });
})();
