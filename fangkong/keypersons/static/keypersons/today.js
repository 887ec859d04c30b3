/* The grid worker's page: follow-ups and door visits go to an outbox on the phone first
 * (the officer app's, in an IndexedDB database of its own), then to the API. Each carries a
 * key made here, so however often it is sent, the server records it once; without a
 * connection it waits, and is sent when the connection comes back. Without IndexedDB the
 * forms post as plain forms. Nothing here builds HTML from data. */
(function () {
  'use strict';
  var OutboxLib = window.FangkongOutbox;
  var status = document.getElementById('sync-status');
  // The day's page works offline: its service worker keeps the page and its files.
  if (status && status.dataset.sw && 'serviceWorker' in navigator) {
    navigator.serviceWorker.register(status.dataset.sw, { scope: status.dataset.scope })
      .catch(function () { /* no offline copy: the page still works online */ });
  }
  if (!OutboxLib || !status || !window.indexedDB) return;
  var SYNC_EVERY_MS = 30000;
  var outbox = null;
  var syncer = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector('input[name=csrfmiddlewaretoken]');
    return field ? field.value : '';
  }

  function show() {
    return outbox.all().then(function (items) {
      var waiting = items.filter(function (item) { return item.status === 'pending'; }).length;
      var stuck = items.length - waiting;
      var text = waiting ? status.dataset.waiting + ' ' + waiting : status.dataset.synced;
      if (stuck) text += ' · ' + status.dataset.stuck + ' ' + stuck;
      status.textContent = text;
      status.dataset.waitingCount = String(waiting);
    });
  }

  function sync() {
    if (!syncer) return Promise.resolve();
    return syncer.run().then(show);
  }

  function followupBody(form) {
    var data = new FormData(form);
    var body = {
      temperature: String(data.get('temperature') || ''),
      symptoms: data.getAll('symptoms').map(String),
      at_home: data.get('at_home') !== null,
      note: String(data.get('note') || ''),
      at: new Date().toISOString()
    };
    return body;
  }

  function visitBody(form) {
    var data = new FormData(form);
    return { residents_seen: parseInt(data.get('residents_seen') || '0', 10) || 0 };
  }

  // Any other form marked "outbox" (a sealed compound's gate and deliveries): its fields
  // as they are, empty ones left out, the form's own marker and token aside.
  function fieldsBody(form) {
    var body = {};
    new FormData(form).forEach(function (value, name) {
      if (name === 'csrfmiddlewaretoken' || name === 'form' || value === '') return;
      body[name] = String(value);
    });
    body.at = new Date().toISOString();
    return body;
  }

  function queue(form, body) {
    var key = OutboxLib.newKey();
    body.idempotency_key = key;
    var item = {
      key: key, created: new Date().toISOString(), user: status.dataset.user || null,
      status: 'pending', url: form.dataset.api, body: body
    };
    return outbox.addAll([item]).then(function () {
      var holder = form.closest('[data-queued]');
      if (holder) {
        holder.classList.add('queued');
        var badge = holder.querySelector('.badge');
        if (badge) badge.textContent = holder.dataset.queued;
        if (holder.tagName === 'DETAILS') holder.open = false;
      }
      form.reset();
      return show().then(sync);
    });
  }

  function intercept(selector, makeBody) {
    document.querySelectorAll(selector).forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (!outbox || !form.dataset.api) return;
        if (!form.checkValidity()) return;
        event.preventDefault();
        queue(form, makeBody(form));
      });
    });
  }

  OutboxLib.Outbox.open('fangkong-grid').then(function (opened) {
    outbox = opened;
    syncer = new OutboxLib.Syncer(outbox, {
      url: null, csrfToken: csrfToken, onChange: function () {}, user: status.dataset.user || null
    });
    intercept('form.followup', followupBody);
    intercept('form.visit', visitBody);
    intercept('form.outbox', fieldsBody);
    window.addEventListener('online', sync);
    setInterval(function () { if (navigator.onLine) sync(); }, SYNC_EVERY_MS);
    document.body.dataset.ready = 'yes';
    return show().then(sync);
  }, function () {
    outbox = null;  // No storage: the forms post as they are.
  });
})();
