/* The officer app's duty section: sign in and out at the post (到岗签到).
 *
 * Each sign-in is written first to this page's own IndexedDB outbox ('fangkong-duty'), then
 * sent by the screening app's Syncer (screening/outbox.js), which removes it only once the
 * server has it (201 stored now, 200 already stored under the same key). The key is made
 * here, so however often a sign-in is sent, the server stores it once; a 409 (the key is
 * another sign-in's) keeps it, marked, for the officer to see. Nothing here builds HTML from
 * data: text goes in with textContent.
 */
(function () {
  'use strict';

  var Lib = window.FangkongOutbox;
  var config = JSON.parse(document.getElementById('duty-config').textContent);
  var S = config.strings;
  var DB_NAME = 'fangkong-duty';
  var STORE = 'outbox';
  var store = null;
  var syncer = null;

  function $(id) { return document.getElementById(id); }

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  /* The interface the Syncer needs (all, put, remove) over this page's own database. */
  function DutyStore(db) { this.db = db; }
  DutyStore.open = function () {
    var r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = function () {
      var s = r.result.createObjectStore(STORE, { keyPath: 'key' });
      s.createIndex('created', 'created');
    };
    return request(r).then(function (db) { return new DutyStore(db); });
  };
  DutyStore.prototype.tx = function (mode, work) {
    var db = this.db;
    return new Promise(function (resolve, reject) {
      var t = db.transaction(STORE, mode);
      var out;
      t.oncomplete = function () { resolve(out); };
      t.onerror = function () { reject(t.error); };
      out = work(t.objectStore(STORE));
    });
  };
  DutyStore.prototype.all = function () {
    var t = this.db.transaction(STORE, 'readonly');
    return request(t.objectStore(STORE).index('created').getAll());
  };
  DutyStore.prototype.put = function (item) {
    return this.tx('readwrite', function (s) { s.put(item); });
  };
  DutyStore.prototype.remove = function (key) {
    return this.tx('readwrite', function (s) { s.delete(key); });
  };

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector('input[name=csrfmiddlewaretoken]');
    return field ? field.value : '';
  }

  function siteName(id) {
    var found = config.sites.filter(function (s) { return String(s.id) === String(id); })[0];
    return found ? found.name : String(id);
  }

  function render() {
    return store.all().then(function (items) {
      $('duty-outbox-count').textContent = String(items.length);
      var list = $('duty-outbox');
      while (list.firstChild) list.removeChild(list.firstChild);
      items.forEach(function (item) {
        var li = document.createElement('li');
        var when = new Date(item.body.at).toLocaleTimeString();
        var kind = item.body.kind === 'in' ? S.signed_in : S.signed_out;
        li.textContent = when + ' ' + kind + ' · ' + siteName(item.body.site_id) +
          (item.status === 'error' ? ' · ' + S.sync_error + ': ' + (item.error || '') : ' · ' + S.waiting);
        list.appendChild(li);
      });
    });
  }

  function showNet() {
    var net = $('duty-net');
    net.dataset.state = navigator.onLine ? 'online' : 'offline';
    net.textContent = navigator.onLine ? S.online : S.offline;
  }

  function sync() {
    if (!syncer) return Promise.resolve();
    return syncer.run().then(render);
  }

  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(
        function (p) { resolve(p.coords); },
        function () { resolve(null); },
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
      );
    });
  }

  function sign(kind) {
    var site = $('duty-site').value;
    if (!site) { $('duty-message').textContent = S.no_site; return Promise.resolve(); }
    var at = new Date().toISOString();
    return position().then(function (coords) {
      var body = {
        idempotency_key: Lib.newKey(), site_id: Number(site), kind: kind, at: at,
        lat: coords ? coords.latitude : null, lng: coords ? coords.longitude : null,
        accuracy_m: coords && coords.accuracy != null ? Math.min(100000, Math.round(coords.accuracy)) : null,
        reason: $('duty-reason').value.trim().slice(0, 200)
      };
      var item = { key: body.idempotency_key, created: Date.now(), user: config.user, body: body };
      return store.put(item).then(function () {
        $('duty-message').textContent = (kind === 'in' ? S.signed_in : S.signed_out) + ' · ' +
          siteName(site) + (coords ? '' : ' · ' + S.no_position);
        return render();
      }).then(sync);
    });
  }

  /* The page opens offline through its service worker (core/sw.js), as the officer app does. */
  function registerServiceWorker() {
    if (!('serviceWorker' in navigator) || !config.urls.sw) return;
    navigator.serviceWorker.register(config.urls.sw, { scope: config.urls.scope }).catch(function () {
      /* Without a service worker the page still works online. */
    });
  }

  function start() {
    registerServiceWorker();
    showNet();
    $('duty-in').addEventListener('click', function () { sign('in'); });
    $('duty-out').addEventListener('click', function () { sign('out'); });
    $('duty-sync').addEventListener('click', sync);
    window.addEventListener('online', function () { showNet(); sync(); });
    window.addEventListener('offline', showNet);
    DutyStore.open().then(function (opened) {
      store = opened;
      syncer = new Lib.Syncer(store, { url: config.urls.signins, csrfToken: csrfToken, user: config.user });
      render().then(sync);
      setInterval(function () { if (navigator.onLine) sync(); }, 30000);
    });
    window.FangkongDuty = { sync: sync, store: function () { return store; } };
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
