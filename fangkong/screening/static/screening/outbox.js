/* The officer's outbox: every check is first written to IndexedDB, then sent.
 *
 * A check leaves the outbox only when the server has it: a 201 (stored now) or a 200 (already
 * stored under the same idempotency key, e.g. a retry whose first answer was lost). A 4xx that
 * is about the check itself keeps it, marked with the server's message, until the officer
 * retries or discards it; nothing is dropped silently. Network failures and 5xx leave it
 * pending for the next attempt. The key is made here (crypto.randomUUID), so however often a
 * check is sent, the server stores it once.
 *
 * A check that the server fails on (a 500) SERVER_FAILURES_TO_SET_ASIDE times in a row is set
 * aside ('held') with the server's reason, and the queue goes on with the checks after it:
 * one check that always fails must not keep everything recorded after it on this phone from
 * syncing. The officer sees it, sends it again or reports it. A 503 (the server is busy) and
 * a 502/504 (the gateway cannot reach it) are about the server, not the check: they only
 * stop this run, as a network failure does.
 */
(function (root) {
  'use strict';

  var DB_NAME = 'fangkong-officer';
  var DB_VERSION = 1;
  var STORE = 'outbox';
  var SERVER_FAILURES_TO_SET_ASIDE = 3;
  var NOT_THE_CHECKS_FAULT = [502, 503, 504];

  function promisify(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDatabase(name) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(name || DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) {
          var store = db.createObjectStore(STORE, { keyPath: 'key' });
          store.createIndex('created', 'created');
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function newKey() {
    if (root.crypto && typeof root.crypto.randomUUID === 'function') return root.crypto.randomUUID();
    // Older WebViews: 128 random bits from getRandomValues, in UUID form.
    var bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map(function (part) { return part.join(''); }).join('-');
  }

  function Outbox(db) {
    this.db = db;
  }

  /* ``name``: another app's own outbox (the grid worker's page), apart from the checks. */
  Outbox.open = function (name) {
    return openDatabase(name).then(function (db) { return new Outbox(db); });
  };

  Outbox.prototype.transaction = function (mode, work) {
    var db = this.db;
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, mode);
      var result;
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
      result = work(tx.objectStore(STORE));
    });
  };

  /* Adds checks in one transaction: all of a group's people, or none. */
  Outbox.prototype.addAll = function (items) {
    return this.transaction('readwrite', function (store) {
      items.forEach(function (item) { store.add(item); });
      return items.length;
    });
  };

  Outbox.prototype.all = function () {
    var self = this;
    return new Promise(function (resolve, reject) {
      var tx = self.db.transaction(STORE, 'readonly');
      promisify(tx.objectStore(STORE).index('created').getAll()).then(resolve, reject);
    });
  };

  Outbox.prototype.count = function () {
    var self = this;
    return new Promise(function (resolve, reject) {
      var tx = self.db.transaction(STORE, 'readonly');
      promisify(tx.objectStore(STORE).count()).then(resolve, reject);
    });
  };

  Outbox.prototype.get = function (key) {
    var self = this;
    return new Promise(function (resolve, reject) {
      var tx = self.db.transaction(STORE, 'readonly');
      promisify(tx.objectStore(STORE).get(key)).then(resolve, reject);
    });
  };

  Outbox.prototype.remove = function (key) {
    return this.transaction('readwrite', function (store) { store.delete(key); });
  };

  Outbox.prototype.put = function (item) {
    return this.transaction('readwrite', function (store) { store.put(item); });
  };

  function errorMessages(body) {
    if (!body || typeof body !== 'object') return [];
    var messages = [];
    var errors = body.errors;
    if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
      Object.keys(errors).forEach(function (field) {
        (errors[field] || []).forEach(function (e) { if (e && e.message) messages.push(e.message); });
      });
    }
    if (!messages.length && body.message) messages.push(body.message);
    if (!messages.length && body.detail) messages.push(String(body.detail));
    return messages;
  }

  /* Sends what waits, oldest first, one at a time. Returns a summary of the run. */
  function Syncer(outbox, options) {
    this.outbox = outbox;
    this.url = options.url;
    this.csrfToken = options.csrfToken;
    this.onChange = options.onChange || function () {};
    // Checks are sent with the session of the officer who made them, never another's.
    this.user = options.user || null;
    this.running = null;
  }

  Syncer.prototype.run = function () {
    var self = this;
    if (self.running) {
      // Checks added while a run is under way go in a run of their own, right after it.
      self.again = true;
      return self.running;
    }
    var work = function () { return self.sendAll(); };
    var locked = root.navigator && root.navigator.locks
      ? root.navigator.locks.request('fangkong-outbox-sync', work)
      : work();
    self.running = Promise.resolve(locked).then(function (summary) {
      self.running = null;
      self.onChange(summary);
      if (self.again) {
        self.again = false;
        if (!summary.offline && !summary.loginNeeded) return self.run();
      }
      return summary;
    }, function (error) {
      self.running = null;
      self.onChange({ sent: 0, failed: 0, offline: true, error: String(error) });
      return { sent: 0, failed: 0, offline: true };
    });
    return self.running;
  };

  Syncer.prototype.sendAll = function () {
    var self = this;
    var summary = { sent: 0, failed: 0, setAside: 0, offline: false, loginNeeded: false };
    return self.outbox.all().then(function (items) {
      var pending = items.filter(function (item) {
        return item.status !== 'error' && item.status !== 'held' &&
          (!item.user || !self.user || item.user === self.user);
      });
      var chain = Promise.resolve(true);
      pending.forEach(function (item) {
        chain = chain.then(function (goOn) {
          if (!goOn) return false;
          return self.sendOne(item, summary);
        });
      });
      return chain.then(function () { return summary; });
    });
  };

  Syncer.prototype.sendOne = function (item, summary) {
    var self = this;
    var request = {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/json',
        'X-CSRFToken': self.csrfToken()
      },
      body: JSON.stringify(item.body)
    };
    // An item may carry its own address (a follow-up goes to its key person's).
    return fetch(item.url || self.url, request).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        summary.sent += 1;
        return response.json().catch(function () { return {}; }).then(function (body) {
          collectAlerts(summary, body);
          return self.outbox.remove(item.key);
        }).then(function () { return true; });
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 401 || (response.status === 403 && body.code !== 'forbidden')) {
          // The login has expired (or its CSRF cookie with it): nothing wrong with the check.
          summary.loginNeeded = true;
          return false;
        }
        if (response.status >= 400 && response.status < 500) {
          summary.failed += 1;
          item.status = 'error';
          item.error = errorMessages(body).join(' ') || String(response.status);
          item.errorCode = body.code || String(response.status);
          return self.outbox.put(item).then(function () { return true; });
        }
        return self.serverFailed(item, response.status, body, summary);
      });
    }, function () {
      summary.offline = true;
      return false;
    });
  };

  /* The alerts the server raised on a check (a person on a list or under a measure), with the
   * masked name the check carries, for the officer to see: data only, shown as text. */
  function collectAlerts(summary, body) {
    if (!body || !Array.isArray(body.alerts) || !body.alerts.length) return;
    var name = body.person && typeof body.person.name === 'string' ? body.person.name : '';
    summary.alerts = summary.alerts || [];
    body.alerts.forEach(function (alert) {
      summary.alerts.push({ name: name, purpose: String(alert.purpose || ''), message: String(alert.message || '') });
    });
  }

  /* A 5xx. Counted against the check unless it is about the server; the third in a row sets
   * the check aside and lets the queue go on; before that, the run stops (try again later). */
  Syncer.prototype.serverFailed = function (item, status, body, summary) {
    var self = this;
    if (NOT_THE_CHECKS_FAULT.indexOf(status) >= 0) {
      summary.offline = true;
      return Promise.resolve(false);
    }
    item.serverFailures = (item.serverFailures || 0) + 1;
    item.lastStatus = status;
    item.error = errorMessages(body).join(' ') || ('HTTP ' + status);
    if (item.serverFailures < SERVER_FAILURES_TO_SET_ASIDE) {
      summary.offline = true;
      return self.outbox.put(item).then(function () { return false; });
    }
    item.status = 'held';
    item.errorCode = body.code || String(status);
    item.heldAt = Date.now();
    summary.setAside += 1;
    return self.outbox.put(item).then(function () { return true; });
  };

  /* Plain text about a set-aside check for the duty desk: no personal data beyond what the
   * officer's own screen shows (the masked name is left out too). */
  function report(item) {
    var body = item.body || {};
    return [
      'key: ' + item.key,
      'created: ' + String(item.created),
      'site: ' + body.site_id,
      'checked_at: ' + body.checked_at,
      'outcome: ' + body.outcome,
      'status: ' + (item.lastStatus || '') + ' ' + (item.errorCode || ''),
      'attempts: ' + (item.serverFailures || 0),
      'reason: ' + (item.error || '')
    ].join('\n');
  }

  root.FangkongOutbox = { Outbox: Outbox, Syncer: Syncer, newKey: newKey, errorMessages: errorMessages, report: report,
    SERVER_FAILURES_TO_SET_ASIDE: SERVER_FAILURES_TO_SET_ASIDE };
})(typeof self !== 'undefined' ? self : this);
