/* The questionnaire's service worker: a phone that opened a questionnaire once can open it again
   without a network (its answers are kept by respond.js in localStorage, and sent when the
   network returns). Network first, always: online, every page and file comes fresh from the
   server; only when the network fails is the copy kept from the last visit used. Only the
   questionnaire pages (/s/<token>/) and the files they load are kept; nothing else is touched.
   The visit that installs the worker is not served by it: that page then asks it (a message
   listing the page's address and its files, see respond.js) to fetch and keep them at once, so
   that one visit is enough.
   A network that takes the connection and never answers (a captive portal, "lie-fi") must not
   leave a blank page: a questionnaire page waits NAVIGATION_WAIT for the network, then shows the
   kept copy if there is one (the network's answer, when it comes, is still kept for next time).
   Answers the page could not deliver are handed over to the worker too, where the browser has
   Background Sync: kept in IndexedDB, they are sent when the network returns, even when no page
   is open any more (the page's own outbox stays as it is; a second copy of answers the server
   already holds is acknowledged as a retry, so either may deliver first). */
"use strict";
var CACHE = "manyidu-questionnaire-v2";
var NAVIGATION_WAIT = 4000; // ms
var SYNC_TAG = "manyidu-outbox";
var ANSWERS_API = /\/api\/v1\/responses\/(\?.*)?$/; // where answers go (under the site's prefix, if any)
var QUESTIONNAIRE = /^\/s\/[^/]+\/$/;
// The files this deploy's questionnaire pages load, under the names they have in it (in production
// a file's name carries a digest of its content): written in by the server (surveys/respond/views.py),
// so that a deploy that changes one of them changes this worker too, and a phone installs the new
// worker on its next visit, whose activation drops what earlier deploys left (see `prune`).
var DEPLOYED = [];

// A new version of this worker (a deploy) may keep its copies under a new name: it starts with
// what the old one kept, which its activation then deletes — or a phone that opened the link
// once more online, and got the new worker then, could not open it again without a network.
var KEPT = /^manyidu-questionnaire-/;
self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(caches.keys().then(function (names) {
    var old = names.filter(function (n) { return n !== CACHE && KEPT.test(n); });
    if (!old.length) return;
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(old.map(function (name) {
        return caches.open(name).then(function (from) {
          return from.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              return cache.match(request).then(function (have) {
                if (have) return;
                return from.match(request).then(function (copy) { if (copy) return cache.put(request, copy); });
              });
            }));
          });
        });
      }));
    });
  }).catch(function () { /* nothing carried over: kept again on the next visit */ }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
    }).then(prune).catch(function () { /* what is left is dropped on a later activation */ })
      .then(function () { return self.clients.claim(); })
  );
});

// Each deploy's scripts and stylesheets have new names, and the old ones stayed kept for good
// (about 10 KB a deploy). On activation a kept file goes unless this deploy's pages load it
// (DEPLOYED) or a kept questionnaire page does: a page kept before the deploy, carried over at
// install and not opened since, still needs its own files to open offline, and keeps them until
// it is kept anew. The pages stay; the answers (localStorage, IndexedDB) are not in this cache.
function prune() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      var pages = requests.filter(isPage);
      return Promise.all(pages.map(function (page) {
        return cache.match(page).then(function (response) { return response ? response.text() : ""; })
          .then(function (html) { return loadedBy(html, page.url); });
      })).then(function (lists) {
        var used = {};
        DEPLOYED.forEach(function (address) { used[new URL(address, self.location.href).href] = true; });
        lists.forEach(function (list) { list.forEach(function (address) { used[address] = true; }); });
        return Promise.all(requests.filter(function (request) {
          return !isPage(request) && !used[request.url];
        }).map(function (request) { return cache.delete(request); }));
      });
    });
  });
}
function isPage(request) { return QUESTIONNAIRE.test(new URL(request.url).pathname); }
// What a kept page loads: the addresses in its src= and href= attributes (its stylesheet, script
// and icons; a link's address too, which is no kept file).
function loadedBy(html, base) {
  var found = [], pattern = /\s(?:src|href)="([^"]*)"/g, match;
  while ((match = pattern.exec(html))) {
    try { found.push(new URL(match[1].replace(/&amp;/g, "&"), base).href); } catch (e) { /* not an address */ }
  }
  return found;
}

function kept(request) {
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return false;
  if (request.mode === "navigate") return QUESTIONNAIRE.test(url.pathname);
  return ["script", "style", "font", "image"].indexOf(request.destination) >= 0;
}

// What a page may ask to be kept: a questionnaire page, or a stylesheet or script of this site.
function keepable(address) {
  var url;
  try { url = new URL(address, self.location.href); } catch (e) { return false; }
  return url.origin === self.location.origin &&
    (QUESTIONNAIRE.test(url.pathname) || /\.(css|js)$/.test(url.pathname));
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.outbox) event.waitUntil(takeOver(data.outbox));
  if (data.sent) event.waitUntil(forget(String(data.sent)).catch(function () { /* nothing kept */ }));
  var asked = data.keep;
  if (!Array.isArray(asked)) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(asked.filter(keepable).map(function (address) {
      return fetch(address, { credentials: "same-origin" }).then(function (response) {
        if (response.ok) return cache.put(address, response);
      }).catch(function () { /* offline already: kept on a later visit */ });
    }));
  }));
});

function keptCopy(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      // The same questionnaire asked for in another language (?lang=): better than nothing.
      return hit || cache.match(request, { ignoreSearch: true });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!kept(request)) return;
  var network = fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      var put = caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
      try { event.waitUntil(put); } catch (e) { /* the page was answered long ago: put runs anyway */ }
    }
    return response;
  });
  var fromNetwork = network.catch(function (error) {
    return keptCopy(request).then(function (hit) {
      if (hit) return hit;
      throw error;
    });
  });
  if (request.mode !== "navigate") {
    event.respondWith(fromNetwork);
    return;
  }
  // A page: the network's answer if it comes in time (or ever, when nothing is kept), else the copy.
  event.respondWith(new Promise(function (resolve, reject) {
    var settled = false;
    function answer(response) { if (!settled) { settled = true; resolve(response); } }
    var timeout = setTimeout(function () {
      keptCopy(request).then(function (hit) { if (hit) answer(hit); });
    }, NAVIGATION_WAIT);
    fromNetwork.then(answer, function (error) {
      clearTimeout(timeout);
      if (!settled) { settled = true; reject(error); }
    });
  }));
});

// Background Sync. IndexedDB "manyidu-outbox", store "answers": {api, payload} by response id.
function answers(mode, work) {
  return new Promise(function (resolve, reject) {
    var opening = indexedDB.open("manyidu-outbox", 1);
    opening.onupgradeneeded = function () { opening.result.createObjectStore("answers"); };
    opening.onerror = function () { reject(opening.error); };
    opening.onsuccess = function () {
      var db = opening.result, tx = db.transaction("answers", mode), request = work(tx.objectStore("answers"));
      tx.oncomplete = function () { db.close(); resolve(request.result); };
      tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
    };
  });
}
function forget(id) { return answers("readwrite", function (store) { return store.delete(id); }); }

// A page could not deliver these answers: keep them and ask the browser for a sync event, which
// comes once the network is back (at once if the browser thinks it is online; when that attempt
// fails the browser tries again later, a few times).
function takeOver(entry) {
  var id = entry.payload && entry.payload.response_id;
  var api;
  try { api = new URL(entry.api, self.location.href); } catch (e) { return Promise.resolve(); }
  if (!self.registration.sync || typeof id !== "string" || api.origin !== self.location.origin ||
      !ANSWERS_API.test(api.pathname + api.search)) return Promise.resolve();
  return answers("readwrite", function (store) {
    return store.put({ api: api.pathname + api.search, payload: entry.payload }, id);
  }).then(function () {
    return self.registration.sync.register(SYNC_TAG);
  }).catch(function () { /* no storage or no sync: the page's own outbox still has them */ });
}

// Whether the server's answer settles a submission (as respond.js's fromServer): its own answers
// only — 201/200 naming the response id, 409/403 with a code, 400 with its errors. A Wi-Fi login
// page or a firewall's block page (often a 200 or a 403 in HTML) leaves it for the next sync.
function settled(entry, status, body) {
  if (status === 201 || status === 200) {
    return String(body.response_id || "").toLowerCase() === String(entry.payload.response_id).toLowerCase();
  }
  if (status === 409 || status === 403) return typeof body.code === "string";
  if (status === 400) return !!body.errors && typeof body.errors === "object";
  return false;
}

// Send every kept submission, one after the other. The server's answer settles an entry — stored
// (201), already stored (200), or one it will never take as it is (400, 403, 409; the page shows
// why when the link is opened again) — anything else leaves it for the next sync event.
function deliver() {
  return answers("readonly", function (store) { return store.getAll(); }).then(function (entries) {
    var left = 0;
    return entries.reduce(function (chain, entry) {
      return chain.then(function () {
        return fetch(entry.api, {
          method: "POST", body: JSON.stringify(entry.payload), credentials: "same-origin", cache: "no-store",
          headers: { "Content-Type": "application/json", "Accept": "application/json" }
        }).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (!settled(entry, response.status, body || {})) left++;
            else return forget(entry.payload.response_id);
          });
        }, function () { left++; });
      });
    }, Promise.resolve()).then(function () {
      if (left) throw new Error(left + " submissions not delivered: the browser tries again later");
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === SYNC_TAG) event.waitUntil(deliver());
});
