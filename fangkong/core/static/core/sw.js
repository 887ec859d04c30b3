/* The service worker of the pages that open offline (the officer app, the sign-in at the post,
 * the grid worker's day). Each page's view serves it under the page's own path, so that its
 * scope is the page, and puts CACHE_PREFIX, VERSION (a hash of the cached files), APP_URL,
 * PRECACHE and NETWORK_FIRST above (fangkong/core/pwa.py).
 *
 * - The page: network first (a fresh page and CSRF token when there is signal), the cached
 *   copy when there is none. A redirect (to the login page) is passed on but never cached.
 * - Its scripts and styles: cache first; a new VERSION installs a new cache.
 * - The NETWORK_FIRST paths (the officer app's policy JSON): network first, the cached copy
 *   offline.
 * Records made offline are not this worker's business: each page keeps them in its IndexedDB
 * outbox (screening/outbox.js).
 */
'use strict';

const CACHE = CACHE_PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
    try {
      const page = await fetch(APP_URL, { credentials: 'same-origin', cache: 'no-store' });
      if (page.ok && !page.redirected) await cache.put(APP_URL, page);
    } catch (error) {
      // Offline at install: the page is cached on its next visit.
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys
      .filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE)
      .map((key) => caches.delete(key)));
    await self.clients.claim();
  })());
});

async function networkFirst(request, cacheKey) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(cacheKey, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname === APP_URL) {
    event.respondWith(networkFirst(request, APP_URL));
  } else if (NETWORK_FIRST.indexOf(url.pathname) >= 0) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (PRECACHE.indexOf(url.pathname) >= 0) {
    event.respondWith(cacheFirst(request));
  }
});
