// Sandık's service worker: the observer's form opens without a
// connection. It keeps three things in one cache: the form page (/entry,
// as last fetched by the signed-in observer: their races and boxes) and
// the two assets it loads. Everything else goes to the network untouched:
// no JSON, no other page, no photo is ever cached here. The sheets and
// photos waiting to be sent live in IndexedDB, kept by the page's script.
"use strict";

const CACHE = "sandik-entry-v1";
const PAGE = "/entry";
const ASSETS = ["/static/app.js", "/static/app.css"];

// keepPage stores the form page when the server gave it to a signed-in
// user, and forgets it when the server sends the user to sign in: a
// signed-out phone keeps no one's boxes.
async function keepPage(cache, res) {
  if (res.ok && res.type === "basic" && !res.redirected) await cache.put(PAGE, res.clone());
  else if (res.type === "opaqueredirect" || res.redirected || res.status === 401) await cache.delete(PAGE);
}

self.addEventListener("install", (e) => {
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    // The page that registered this worker was loaded before it: fetch
    // it once more so that the first visit is enough to work offline.
    try { await keepPage(cache, await fetch(PAGE, { credentials: "same-origin", redirect: "manual" })); } catch (err) { /* offline already */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k !== CACHE) await caches.delete(k);
    await self.clients.claim();
  })());
});

// Network first, the cache when the network fails: online the observer
// always gets today's page and assets; offline, the last ones seen.
async function fromNetwork(req, key, page) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (page) await keepPage(cache, res);
    else if (res.ok) await cache.put(key, res.clone());
    return res;
  } catch (err) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && url.pathname === PAGE) e.respondWith(fromNetwork(req, PAGE, true));
  else if (ASSETS.includes(url.pathname)) e.respondWith(fromNetwork(req, url.pathname, false));
});
