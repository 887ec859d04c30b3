/* The service worker of the officer's sign-in page (到岗签到), served from /duty/post/sw.js so
 * that its scope is the page. The view puts VERSION (a hash of the cached files), APP_URL and
 * PRECACHE above. As the screening officer app's worker (screening/sw.js):
 *
 * - The page: network first (a fresh page, posts and CSRF token when there is signal), the
 *   cached copy when there is none. A redirect (to the login page) is passed on, never cached.
 * - Its scripts and styles: cache first; a new VERSION installs a new cache.
 * Sign-ins are not this worker's business: the page keeps them in its IndexedDB outbox.
 */
'use strict';

const CACHE = 'fangkong-duty-' + VERSION;

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
      .filter((key) => key.startsWith('fangkong-duty-') && key !== CACHE)
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
  } else if (PRECACHE.indexOf(url.pathname) >= 0) {
    event.respondWith(cacheFirst(request));
  }
});
