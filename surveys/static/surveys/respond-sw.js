/* The questionnaire's service worker: a phone that opened a questionnaire once can open it again
   without a network (its answers are kept by respond.js in localStorage, and sent when the
   network returns). Network first, always: online, every page and file comes fresh from the
   server; only when the network fails is the copy kept from the last visit used. Only the
   questionnaire pages (/s/<token>/) and the files they load are kept; nothing else is touched. */
"use strict";
var CACHE = "manyidu-questionnaire-v1";
var QUESTIONNAIRE = /^\/s\/[^/]+\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function kept(request) {
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return false;
  if (request.mode === "navigate") return QUESTIONNAIRE.test(url.pathname);
  return ["script", "style", "font", "image"].indexOf(request.destination) >= 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!kept(request)) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function (error) {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(request).then(function (hit) {
          // The same questionnaire asked for in another language (?lang=): better than nothing.
          return hit || cache.match(request, { ignoreSearch: true });
        });
      }).then(function (hit) {
        if (hit) return hit;
        throw error;
      });
    })
  );
});
