/* Command centre dashboard: ECharts charts, the Leaflet site layer, the units table and the
 * quiet-site and understaffed-site alerts, all drawn from the JSON of /api/v1/command/dashboard. The page arrives
 * with that JSON in #command-data; every minute the script fetches it again with the page's
 * own filters and redraws in place, without reloading. Plain ES2017, no network but ours. */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("command-config").textContent);
  const L10N = config.labels;
  const wall = document.body.classList.contains("wall");
  const theme = wall ? "dark" : null;
  // On the wall the charts' type grows with the screen, as the page's does (command.css):
  // 1 on a 1080-line screen, 2 on a 2160-line one.
  const scale = wall ? Math.max(1, window.innerHeight / 1080) : 1;
  const axisLabel = { fontSize: Math.round(12 * scale) };
  const charts = {};

  function chart(id) {
    if (!charts[id]) {
      const el = document.getElementById(id);
      charts[id] = echarts.init(el, theme, { renderer: "canvas" });
      if (wall) {
        charts[id].setOption({
          backgroundColor: "transparent",
          textStyle: { fontSize: Math.round(12 * scale) },
        });
      }
    }
    return charts[id];
  }

  function text(id, value) {
    const el = document.getElementById(id);
    if (el) el.textContent = value;
  }

  function pct(value) {
    return value === null || value === undefined ? "–" : value + "%";
  }

  function drawHourly(data) {
    chart("chart-hourly").setOption({
      tooltip: FangkongCharts.tooltip("axis"),
      legend: { data: [L10N.persons, L10N.vehicles, L10N.persuadeReturn, L10N.referHealth] },
      grid: { left: 40 * scale, right: 16 * scale, top: 36 * scale, bottom: 28 * scale },
      xAxis: { type: "category", axisLabel, data: data.hourly.map((p) => p.hour + L10N.hourSuffix) },
      yAxis: { type: "value", minInterval: 1, axisLabel },
      series: [
        { name: L10N.persons, type: "line", smooth: true, data: data.hourly.map((p) => p.persons) },
        { name: L10N.vehicles, type: "line", smooth: true, data: data.hourly.map((p) => p.vehicles) },
        { name: L10N.persuadeReturn, type: "line", data: data.hourly.map((p) => p.persuade_return) },
        { name: L10N.referHealth, type: "line", data: data.hourly.map((p) => p.refer_health) },
      ],
    });
  }

  function drawOutcomes(data) {
    const names = L10N.outcomes;
    chart("chart-outcomes").setOption({
      tooltip: FangkongCharts.tooltip("item"),
      legend: { bottom: 0 },
      color: ["#2e7d32", "#00897b", "#1565c0", "#ef6c00", "#c62828"],
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        data: Object.keys(names).map((key) => ({ name: names[key], value: data.outcomes[key] })),
      }],
    });
  }

  function drawOrigins(data) {
    const rows = data.origins.slice().reverse();
    chart("chart-origins").setOption({
      tooltip: FangkongCharts.tooltip("axis"),
      grid: { left: 110 * scale, right: 24 * scale, top: 10 * scale, bottom: 24 * scale },
      xAxis: { type: "value", minInterval: 1, axisLabel },
      yAxis: { type: "category", axisLabel, data: rows.map((r) => r.name) },
      series: [{ name: L10N.persons, type: "bar", data: rows.map((r) => r.count), color: "#1565c0" }],
    });
  }

  function drawTrends(data) {
    chart("chart-trends").setOption({
      tooltip: FangkongCharts.tooltip("axis"),
      legend: { data: [L10N.persuadeReturn, L10N.referHealth] },
      grid: { left: 40 * scale, right: 16 * scale, top: 36 * scale, bottom: 28 * scale },
      xAxis: { type: "category", axisLabel, data: data.trends.map((t) => t.date.slice(5)) },
      yAxis: { type: "value", minInterval: 1, axisLabel },
      series: [
        { name: L10N.persuadeReturn, type: "bar", color: "#ef6c00", data: data.trends.map((t) => t.persuade_return) },
        { name: L10N.referHealth, type: "bar", color: "#c62828", data: data.trends.map((t) => t.refer_health) },
      ],
    });
  }

  function cell(row, value, numeric) {
    const td = row.insertCell();
    td.textContent = value;
    if (numeric) td.className = "num";
  }

  function drawUnits(data) {
    const body = document.querySelector("#units-table tbody");
    body.replaceChildren();
    data.units.forEach((u) => {
      const row = body.insertRow();
      const link = document.createElement("a");
      const params = new URLSearchParams(window.location.search);
      params.set("unit", u.unit_id);
      link.href = "?" + params.toString();
      link.textContent = u.name;
      row.insertCell().append(link);
      [u.today, u.yesterday, pct(u.change_day), u.last_week, pct(u.change_week), u.vehicles,
        u.persuade_return, u.refer_health].forEach((v) => cell(row, v, true));
    });
  }

  function siteUrl(id) {
    return config.siteUrl.replace("/0/", "/" + id + "/");
  }

  /* A list of sites, each linked to its page with a muted line of detail; or one line saying
   * there is nothing to report. */
  function drawSiteAlerts(listId, sites, emptyText, detail) {
    const list = document.getElementById(listId);
    if (!list) return;
    list.replaceChildren();
    if (!sites.length) {
      const li = document.createElement("li");
      li.className = "empty";
      li.textContent = emptyText;
      list.append(li);
    }
    sites.forEach((s) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = siteUrl(s.id);
      a.textContent = s.name;
      const more = document.createElement("span");
      more.className = "muted";
      more.textContent = " " + s.unit + " · " + detail(s);
      li.append(a, more);
      list.append(li);
    });
  }

  function drawUnderstaffed(data) {
    if (!data.roster_published) {
      drawSiteAlerts("understaffed-list", [], L10N.noRoster, () => "");
      return;
    }
    drawSiteAlerts("understaffed-list", data.understaffed, L10N.noUnderstaffed, (s) => s.text);
  }

  function drawQuiet(data) {
    drawSiteAlerts("quiet-list", data.quiet, L10N.noQuiet, (s) => (s.usual === null
      ? L10N.never
      : L10N.usual.replace("%s", s.usual)));
  }

  let map = null;
  let layer = null;
  let communityLayer = null;

  const COMMUNITY_COLOURS = {
    abnormal: ["#c62828", "#ef5350"],
    missing: ["#e65100", "#ffa726"],
    done: ["#2e7d32", "#66bb6a"],
    none: ["#607d8b", "#b0bec5"],
  };

  /* A community's tooltip as a node: its name comes from the division table or an import. */
  function communityTooltip(c) {
    const box = document.createElement("span");
    const name = document.createElement("b");
    name.textContent = c.name;
    box.append(name, " · " + c.station);
    [
      [c.active, L10N.underMeasure],
      [c.done + "/" + c.due, L10N.followupsDone],
      [c.missing, L10N.followupsMissing],
      [c.abnormal, L10N.followupsAbnormal],
    ].forEach(([value, label]) => {
      box.append(document.createElement("br"), value + " " + label);
    });
    return box;
  }

  function drawCommunities(rows) {
    communityLayer.clearLayers();
    const max = Math.max(1, ...rows.map((c) => c.active));
    rows.forEach((c) => {
      if (c.lat === null || c.lng === null) return;
      const colours = COMMUNITY_COLOURS[c.state] || COMMUNITY_COLOURS.none;
      const marker = L.circleMarker([c.lat, c.lng], {
        radius: 4 + 16 * Math.sqrt(c.active / max),
        color: colours[0],
        fillColor: colours[1],
        fillOpacity: 0.7,
        weight: 2,
        className: "community-marker state-" + c.state,
      });
      marker.bindTooltip(() => communityTooltip(c));
      marker.addTo(communityLayer);
    });
  }

  /* The key-person layer has its own source: the grid scope, the day and the unit filter. */
  function refreshCommunities() {
    if (!config.communitiesUrl || !communityLayer) return;
    const page = new URLSearchParams(window.location.search);
    const query = new URLSearchParams();
    ["unit", "day"].forEach((k) => { if (page.get(k)) query.set(k, page.get(k)); });
    fetch(config.communitiesUrl + "?" + query.toString(),
      { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(drawCommunities)
      .catch(() => {});
  }

  /* A marker's tooltip as a node: a site's name is whatever its unit typed, and Leaflet puts
   * a string tooltip into the page as HTML. */
  function siteTooltip(s) {
    const box = document.createElement("span");
    const name = document.createElement("b");
    name.textContent = s.name;
    box.append(name, " · " + L10N.volume + " " + s.volume);
    return box;
  }

  function drawMap(data) {
    if (typeof L === "undefined") return;
    if (!map) {
      map = L.map("command-map", { attributionControl: false }).setView([38.93, 100.45], 8);
      fetch(config.outlineUrl).then((r) => r.json()).then((geo) => {
        L.geoJSON(geo, { interactive: false, style: { color: "#5c6b7a", weight: 1, fillOpacity: 0.05 } }).addTo(map);
      }).catch(() => {});
      layer = L.layerGroup().addTo(map);
      communityLayer = L.layerGroup().addTo(map);
      const overlays = {};
      overlays[L10N.sitesLayer] = layer;
      overlays[L10N.communitiesLayer] = communityLayer;
      L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    }
    refreshCommunities();
    layer.clearLayers();
    const max = Math.max(1, ...data.sites.map((s) => s.volume));
    const points = [];
    data.sites.forEach((s) => {
      const marker = L.circleMarker([s.lat, s.lng], {
        radius: 5 + 20 * Math.sqrt(s.volume / max),
        color: s.quiet ? "#c62828" : "#1565c0",
        fillColor: s.quiet ? "#ef5350" : "#42a5f5",
        fillOpacity: 0.6,
        weight: 1,
        className: s.quiet ? "site-marker quiet" : "site-marker",
      });
      marker.bindTooltip(() => siteTooltip(s));
      marker.on("click", () => { window.location.href = siteUrl(s.id); });
      marker.addTo(layer);
      points.push([s.lat, s.lng]);
    });
    if (points.length && !map._fitted) {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 11 });
      map._fitted = true;
    }
  }

  function render(data) {
    text("kpi-today", data.totals.today);
    text("kpi-yesterday", data.totals.yesterday);
    text("kpi-week", data.totals.last_week);
    text("kpi-yesterday-full", data.totals.yesterday_full);
    text("kpi-week-full", data.totals.last_week_full);
    text("kpi-persuade", data.totals.persuade_return);
    text("kpi-refer", data.totals.refer_health);
    text("kpi-quiet", data.quiet.length);
    text("kpi-understaffed", data.roster_published ? data.understaffed.length : "—");
    [drawHourly, drawOutcomes, drawOrigins, drawTrends, drawUnits, drawQuiet, drawUnderstaffed,
      drawMap]
      .forEach((draw) => {
        try { draw(data); } catch (err) { console.error(err); }
      });
    text("updated", L10N.updated + " " + new Date().toLocaleTimeString());
    document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
  }

  function refresh() {
    const url = config.api + window.location.search.replace(/([?&])wall=1&?/, "$1");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(() => text("updated", L10N.refreshFailed));
  }

  render(JSON.parse(document.getElementById("command-data").textContent));
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  if (wall) {
    document.addEventListener("click", () => {
      if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(() => {});
      }
    }, { once: true });
  }
  const seconds = Number(new URLSearchParams(window.location.search).get("refresh")) || config.refreshSeconds;
  window.setInterval(refresh, seconds * 1000);
  window.fangkongCommandRefresh = refresh;
})();
