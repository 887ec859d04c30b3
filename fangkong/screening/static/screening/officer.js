/* The officer's checkpoint app, its shell: the site, the network state and the outbox, and
 * finding a registration (scan, short code, plate, phone tail) or a walk-up entered by hand.
 * The party screen (party.js) takes each person's temperature and records the outcome: the
 * recommended one with one tap, or another with a reason.
 *
 * Works without a network: the page and its scripts come from the service worker's cache,
 * the recommendation is computed here with the policy shipped to the page (rules.js), and each
 * check goes to the IndexedDB outbox first (outbox.js), from which it is sent, now or when the
 * network returns. The server recomputes and stores the recommendation on arrival.
 */
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('officer-config').textContent);
  var S = config.strings;
  var UI = S.ui;
  var Rules = window.FangkongRules;
  var OutboxLib = window.FangkongOutbox;
  var Kit = window.FangkongKit;
  var el = Kit.el;
  var fmt = Kit.fmt;
  var timeText = Kit.timeText;
  var toast = Kit.toast;

  var POLICY_KEY = 'fangkong.officer.policy';
  var SITE_KEY = 'fangkong.officer.site';
  var SYNC_EVERY_MS = 15000;

  var $ = function (id) { return document.getElementById(id); };
  var policyJson = loadPolicy();
  var policy = Rules.preparePolicy(policyJson);
  var outbox = null;
  var syncer = null;
  var party = null; // the party screen (party.js), made at start
  var scanner = null;
  var loginNeeded = false;

  // --- small helpers ------------------------------------------------------------------------

  function outcomeLabel(outcome) {
    return S.outcomes[outcome] || outcome;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : $('csrf').value;
  }

  // --- policy ---------------------------------------------------------------------------------

  function loadPolicy() {
    try {
      var stored = JSON.parse(localStorage.getItem(POLICY_KEY) || 'null');
      // The newer of the one stored and the one in the page (a cached page may be old).
      if (stored && stored.generated_at > config.policy.generated_at) return stored;
    } catch (e) { /* a damaged copy: use the page's */ }
    return config.policy;
  }

  function refreshPolicy() {
    return fetch(config.urls.policy, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (json) {
        if (!json || !json.actions) return;
        policyJson = json;
        policy = Rules.preparePolicy(json);
        try { localStorage.setItem(POLICY_KEY, JSON.stringify(json)); } catch (e) { /* full */ }
        if (party && party.isOpen()) party.recompute();
      })
      .catch(function () { /* offline: keep the last one */ });
  }

  // --- site -----------------------------------------------------------------------------------

  function setupSites() {
    var select = $('site');
    config.sites.forEach(function (site) {
      select.appendChild(el('option', { value: site.id, text: site.name }));
    });
    var saved = localStorage.getItem(SITE_KEY);
    var ids = config.sites.map(function (s) { return String(s.id); });
    var duty = config.dutySite === null || config.dutySite === undefined ? '' : String(config.dutySite);
    // The site of the shift on duty now comes first; then the last one chosen here.
    if (duty && ids.indexOf(duty) >= 0) select.value = duty;
    else if (saved && ids.indexOf(saved) >= 0) select.value = saved;
    else if (ids.length === 1) select.value = ids[0];
    select.addEventListener('change', function () {
      localStorage.setItem(SITE_KEY, select.value);
    });
  }

  function currentSite() {
    var id = $('site').value;
    return config.sites.filter(function (s) { return String(s.id) === id; })[0] || null;
  }

  // --- network state and outbox ---------------------------------------------------------------

  function showNet() {
    var net = $('net');
    var online = navigator.onLine;
    net.dataset.state = loginNeeded ? 'login' : online ? 'online' : 'offline';
    net.textContent = loginNeeded ? UI.login_needed_short : online ? UI.online : UI.offline;
  }

  function refreshCount() {
    if (!outbox) return Promise.resolve();
    return outbox.count().then(function (n) {
      $('outbox-count').textContent = String(n);
      $('outbox-button').dataset.waiting = n > 0 ? 'yes' : 'no';
      if (!$('outbox').hidden) renderOutbox();
    });
  }

  function sync() {
    if (!syncer) return Promise.resolve();
    return syncer.run();
  }

  function onSynced(summary) {
    loginNeeded = Boolean(summary && summary.loginNeeded);
    showNet();
    if (loginNeeded) toast(UI.login_needed, 'bad');
    if (summary && summary.failed) toast(fmt(UI.not_accepted, { n: summary.failed }), 'bad');
    if (summary && summary.setAside) toast(fmt(UI.set_aside_toast, { n: summary.setAside }), 'bad');
    if (summary && summary.alerts && summary.alerts.length) showAlerts(summary.alerts);
    refreshCount();
  }

  /* A person on a list or under a measure was checked: the reason stays on screen until the
   * officer has seen it (a toast would go by). Text only. */
  function showAlerts(alerts) {
    var list = $('alert-list');
    alerts.forEach(function (alert) {
      list.appendChild(el('li', {}, [
        el('strong', { text: alert.name ? alert.name + ' · ' + alert.purpose : alert.purpose }),
        el('p', { text: alert.message })
      ]));
    });
    $('alerts').hidden = false;
    $('alerts-seen').focus();
  }

  function hideAlerts() {
    $('alerts').hidden = true;
    var list = $('alert-list');
    while (list.firstChild) list.removeChild(list.firstChild);
  }

  function renderOutbox() {
    var list = $('outbox-list');
    outbox.all().then(function (items) {
      list.textContent = '';
      if (!items.length) {
        list.appendChild(el('li', { className: 'empty', text: UI.outbox_empty }));
        return;
      }
      items.forEach(function (item) {
        var s = item.summary || {};
        var stuck = item.status === 'error' || item.status === 'held';
        var problem = item.status === 'held' ? UI.set_aside : UI.sync_error;
        var row = el('li', { className: 'item ' + (stuck ? item.status : 'pending'), dataset: { key: item.key } }, [
          el('div', { className: 'line' }, [
            el('span', { className: 'time', text: timeText(item.created) }),
            el('b', { text: s.name || '' }),
            el('span', { className: 'pill o-' + item.body.outcome, text: outcomeLabel(item.body.outcome) })
          ]),
          el('div', { className: 'sub', text: (s.site || '') + (item.body.temperature ? ' · ' + item.body.temperature + ' ℃' : '') }),
          stuck ? el('div', { className: 'problem', role: 'alert', text: problem + '：' + (item.error || '') }) : null,
          stuck ? el('div', { className: 'buttons' }, [
            el('button', { type: 'button', className: 'secondary', dataset: { action: 'retry' }, text: UI.retry }),
            item.status === 'held' ? el('button', { type: 'button', className: 'secondary', dataset: { action: 'report' }, text: UI.report }) : null,
            el('button', { type: 'button', className: 'danger', dataset: { action: 'discard' }, text: UI.discard })
          ]) : el('div', { className: 'state', text: item.user && item.user !== config.user.username
            ? fmt(UI.waiting_for_user, { user: item.user }) : UI.waiting })
        ]);
        list.appendChild(row);
      });
    });
  }

  // The outbox takes the screen's place of whatever was open, and gives it back.
  function showOutbox() {
    $('find').hidden = true;
    $('party').hidden = true;
    $('outbox').hidden = false;
    renderOutbox();
  }

  function hideOutbox() {
    $('outbox').hidden = true;
    if (party.isOpen()) $('party').hidden = false;
    else $('find').hidden = false;
  }

  // The report is shown on the item to read out or copy, and copied where the browser lets us.
  function showReport(row, text) {
    var shown = row.querySelector('pre.report');
    if (!shown) {
      shown = el('pre', { className: 'report', dataset: { testid: 'outbox-report' } });
      row.appendChild(shown);
    }
    shown.textContent = text;
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { toast(UI.report_copied, 'ok'); },
        function () { toast(UI.report_shown, 'ok'); });
    } else {
      toast(UI.report_shown, 'ok');
    }
  }

  function onOutboxClick(event) {
    var button = event.target.closest('button[data-action]');
    if (!button) return;
    var key = button.closest('li').dataset.key;
    if (button.dataset.action === 'report') {
      // Not followed by a new rendering of the list, which would take the report away.
      outbox.get(key).then(function (item) {
        if (item) showReport(button.closest('li'), OutboxLib.report(item));
      });
      return;
    }
    outbox.get(key).then(function (item) {
      if (!item) return null;
      if (button.dataset.action === 'retry') {
        item.status = 'pending';
        delete item.error;
        delete item.serverFailures;
        return outbox.put(item).then(sync);
      }
      if (window.confirm(UI.discard_confirm)) return outbox.remove(key);
      return null;
    }).then(refreshCount);
  }

  // --- finding a registration -------------------------------------------------------------------

  function guessKind(text) {
    if (/^\d{4}$/.test(text)) return 'phone_tail';
    if (/^[\u4e00-\u9fa5]/.test(text)) return 'plate';
    return null;
  }

  function lookup(params) {
    var site = currentSite();
    var message = $('find-message');
    $('matches').textContent = '';
    if (!navigator.onLine) {
      message.textContent = UI.lookup_offline;
      return;
    }
    // Sent in the body, not the URL: a plate, a phone's last digits or a pass token must not
    // end up in an access log.
    var body = Object.assign({}, params);
    if (site) body.site = site.id;
    message.textContent = UI.searching;
    fetch(config.urls.lookup, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/json',
        'X-CSRFToken': csrfToken()
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        loginNeeded = true;
        showNet();
        throw new Error(UI.login_needed);
      }
      if (!response.ok) throw new Error(UI.no_match);
      return response.json();
    }).then(function (parties) {
      message.textContent = '';
      if (!parties.length) {
        message.textContent = UI.no_match;
      } else if (parties.length === 1) {
        party.open(party.fromLookup(parties[0]));
      } else {
        showMatches(parties);
      }
    }).catch(function (error) {
      message.textContent = navigator.onLine ? error.message : UI.lookup_offline;
    });
  }

  function showMatches(parties) {
    var list = $('matches');
    parties.forEach(function (p) {
      var names = p.people.map(function (person) { return person.name; }).join('、');
      var button = el('button', { type: 'button', className: 'match' }, [
        el('b', { text: p.plate || names }),
        el('span', { text: p.plate ? names : (p.people[0].document || '') }),
        el('span', { className: 'muted', text: p.site })
      ]);
      button.addEventListener('click', function () { party.open(party.fromLookup(p)); });
      list.appendChild(el('li', {}, [button]));
    });
  }

  function onSearch(event) {
    event.preventDefault();
    var text = $('q').value.trim();
    if (!text) return;
    var chosen = document.querySelector('input[name="kind"]:checked').value;
    var kind = guessKind(text) || chosen;
    var params = {};
    params[kind] = kind === 'code' ? text.toUpperCase() : text;
    lookup(params);
  }

  function tokenFromScan(text) {
    var value = String(text || '').trim();
    var match = value.match(/\/([A-Za-z0-9_-]{20,64})\/?(?:[?#].*)?$/);
    return match ? match[1] : value;
  }

  function startScan() {
    if (!window.QrScanner) {
      $('find-message').textContent = UI.scan_unavailable;
      return;
    }
    $('scanner').hidden = false;
    if (!scanner) {
      // Our own frame for the scan region: the scanner's default is markup with an inline
      // style attribute, which the Content-Security-Policy refuses.
      var frame = el('div', { className: 'scan-frame' });
      $('video').after(frame);
      scanner = new window.QrScanner($('video'), function (result) {
        stopScan();
        lookup({ token: tokenFromScan(result.data) });
      }, {
        returnDetailedScanResult: true, preferredCamera: 'environment', highlightScanRegion: true, overlay: frame
      });
    }
    scanner.start().catch(function () {
      stopScan();
      $('find-message').textContent = UI.scan_unavailable;
    });
  }

  function stopScan() {
    if (scanner) scanner.stop();
    $('scanner').hidden = true;
  }

  // --- after the officer confirms -----------------------------------------------------------

  function onRecorded(items) {
    toast(fmt(navigator.onLine ? UI.recorded : UI.recorded_offline, { n: items.length }), 'ok');
    refreshCount();
    sync();
    $('q').focus();
  }

  // --- start ------------------------------------------------------------------------------------

  function registerServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register(config.urls.sw, { scope: config.urls.scope }).catch(function () {
      /* Without a service worker the page still works online. */
    });
  }

  function start() {
    setupSites();
    showNet();
    $('search').addEventListener('submit', onSearch);
    $('scan-button').addEventListener('click', startScan);
    $('scan-stop').addEventListener('click', stopScan);
    party = window.FangkongParty.create({
      config: config,
      policy: function () { return policy; },
      currentSite: currentSite,
      outbox: function () { return outbox; },
      recorded: onRecorded
    });
    $('manual-button').addEventListener('click', function () { party.open(party.manual()); });
    $('outbox-button').addEventListener('click', function () {
      if ($('outbox').hidden) showOutbox();
      else hideOutbox();
    });
    $('outbox-close').addEventListener('click', hideOutbox);
    $('alerts-seen').addEventListener('click', hideAlerts);
    $('outbox-list').addEventListener('click', onOutboxClick);
    $('sync-now').addEventListener('click', sync);
    window.addEventListener('online', function () { showNet(); sync(); refreshPolicy(); });
    window.addEventListener('offline', showNet);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') sync();
    });
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    registerServiceWorker();
    OutboxLib.Outbox.open().then(function (opened) {
      outbox = opened;
      syncer = new OutboxLib.Syncer(outbox, {
        url: config.urls.checks, csrfToken: csrfToken, onChange: onSynced, user: config.user.username
      });
      document.body.dataset.ready = 'yes';
      refreshCount();
      sync();
      setInterval(function () { if (navigator.onLine) sync(); }, SYNC_EVERY_MS);
    }, function () {
      toast(UI.storage_unavailable, 'bad');
    });
    refreshPolicy();
  }

  start();
})();
