/* Cầu Nối service worker (served by api/offline.py at /sw.js; see docs/architecture.md).
 *
 * Keeps, for use without a connection:
 *  - the shell: CSS, JavaScript and the offline page (cache "caunoi-shell-<version>");
 *  - the allow-listed pages (the head-count form), and only responses the server marked
 *    with the cache header (cache "caunoi-pages", emptied by app.js when no one is signed in).
 * Never stores any other page, so no page with client identity reaches the phone's storage.
 * HTML is fetched from the network first; writes (POST) always go to the network. */
"use strict";

const CONFIG = {{ config|safe }};
const SHELL_CACHE = "caunoi-shell-" + CONFIG.version;
const PAGES_CACHE = "caunoi-pages";

function isAllowedPage(url) {
  return url.search === "" && CONFIG.pages.indexOf(url.pathname) !== -1;
}

function mayKeep(response) {
  return response && response.ok && response.type === "basic" && !response.redirected &&
    response.headers.get(CONFIG.cacheHeader) === "allow";
}

function keepPage(path, response) {
  if (!mayKeep(response)) return Promise.resolve();
  const copy = response.clone();
  return caches.open(PAGES_CACHE).then(function (cache) { return cache.put(path, copy); });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(CONFIG.shell); })
      .then(function () {
        // The allow-listed pages too, when the user may open them (a failure is fine).
        return Promise.all(CONFIG.pages.map(function (path) {
          return fetch(path, { credentials: "same-origin" })
            .then(function (response) { return keepPage(path, response); })
            .catch(function () {});
        }));
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("caunoi-shell-") === 0 && name !== SHELL_CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function offlinePage() {
  return caches.match(CONFIG.offlineUrl, { cacheName: SHELL_CACHE }).then(function (page) {
    return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  });
}

function cachedPage(path) {
  return caches.open(PAGES_CACHE).then(function (cache) { return cache.match(path); });
}

// Network first; if the network is slow and a kept copy exists, the copy is shown (the
// network answer still refreshes it); without a network, the copy or the offline page.
function allowedPage(event, url) {
  const network = fetch(event.request);
  const kept = network.then(function (response) {
    return keepPage(url.pathname, response).then(function () { return response; });
  });
  event.waitUntil(kept.catch(function () {}));
  return new Promise(function (resolve) {
    let done = false;
    function finish(response) { if (!done) { done = true; resolve(response); } }
    const timer = setTimeout(function () {
      cachedPage(url.pathname).then(function (copy) { if (copy) finish(copy); });
    }, CONFIG.networkTimeoutMs);
    network.then(function (response) { clearTimeout(timer); finish(response); }, function () {
      clearTimeout(timer);
      cachedPage(url.pathname).then(function (copy) {
        if (copy) finish(copy); else offlinePage().then(finish);
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    if (request.method === "GET" && isAllowedPage(url)) {
      event.respondWith(allowedPage(event, url));
    } else {
      // Any other page (and any form post): the network only, the offline page without it.
      event.respondWith(fetch(request).catch(offlinePage));
    }
    return;
  }
  if (request.method === "GET" && CONFIG.shell.indexOf(url.pathname) !== -1 && url.pathname !== CONFIG.offlineUrl) {
    event.respondWith(
      caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true }).then(function (hit) {
        return hit || fetch(request);
      })
    );
  }
  // Everything else (the API, other static files, htmx requests) is left to the browser.
});

self.addEventListener("message", function (event) {
  if (event.data === "forget-pages") event.waitUntil(caches.delete(PAGES_CACHE));
});
