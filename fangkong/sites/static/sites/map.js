/* Fangkong site maps: the map of all sites, the small map on a site's page and the
 * coordinate picker of the site form. Plain ES2017, no build step, no network but our own.
 *
 * The server hands over its settings in the JSON script #map-config (see sites/views.py
 * map_config). Sites and the county outline are WGS-84. With AMap tiles (GCJ-02) every
 * coordinate is shifted to GCJ-02 here, at display time only, and the picker shifts clicks
 * back to WGS-84 before it fills the inputs; the other tile modes draw WGS-84 as it is
 * (Tianditu's CGCS2000 differs from WGS-84 by centimetres).
 */
(function () {
  "use strict";

  /* ---- WGS-84 <-> GCJ-02, ported from fangkong/lib/coords.py (the widely published
   * formula). The rough "inside China" test is the usual bounding box; stored sites are
   * validated to lie in China, so it only keeps points abroad unshifted. */
  const A = 6378245.0;
  const EE = 0.00669342162296594323;

  function outOfChina(lng, lat) {
    return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }

  function delta(lng, lat) {
    const x = lng - 105.0;
    const y = lat - 35.0;
    const PI = Math.PI;
    let dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    let dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    const common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2 / 3;
    dlat += common + (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2 / 3;
    dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2 / 3;
    dlng += common + (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2 / 3;
    dlng += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2 / 3;
    const radLat = lat / 180.0 * PI;
    const magic = 1 - EE * Math.sin(radLat) * Math.sin(radLat);
    dlat = dlat * 180.0 / ((A * (1 - EE)) / (magic * Math.sqrt(magic)) * PI);
    dlng = dlng * 180.0 / (A / Math.sqrt(magic) * Math.cos(radLat) * PI);
    return [dlng, dlat];
  }

  function wgs84ToGcj02(lng, lat) {
    if (outOfChina(lng, lat)) return [lng, lat];
    const d = delta(lng, lat);
    return [lng + d[0], lat + d[1]];
  }

  function gcj02ToWgs84(lng, lat) {
    // No closed-form inverse: correct by the residual until the forward shift matches.
    if (outOfChina(lng, lat)) return [lng, lat];
    let wLng = lng;
    let wLat = lat;
    for (let i = 0; i < 30; i += 1) {
      const d = delta(wLng, wLat);
      const errLng = wLng + d[0] - lng;
      const errLat = wLat + d[1] - lat;
      wLng -= errLng;
      wLat -= errLat;
      if (Math.abs(errLng) < 1e-9 && Math.abs(errLat) < 1e-9) break;
    }
    return [wLng, wLat];
  }

  window.fangkongCoords = { wgs84ToGcj02: wgs84ToGcj02, gcj02ToWgs84: gcj02ToWgs84 };

  // The legend's and the title's pins take their kind's colour from data-pin.
  document.querySelectorAll("[data-pin]").forEach(function (node) {
    if (/^#[0-9a-f]{3,8}$/i.test(node.dataset.pin)) node.style.setProperty("--pin", node.dataset.pin);
  });

  const configElement = document.getElementById("map-config");
  if (!configElement || typeof window.L === "undefined") return;
  const config = JSON.parse(configElement.textContent);
  const L = window.L;
  const gcj = config.crs === "gcj02";

  /** A stored WGS-84 point as a Leaflet LatLng in the tiles' datum. */
  function toDisplay(lng, lat) {
    const p = gcj ? wgs84ToGcj02(lng, lat) : [lng, lat];
    return L.latLng(p[1], p[0]);
  }

  /** A point on the map back to WGS-84 [lng, lat]. */
  function fromDisplay(latlng) {
    return gcj ? gcj02ToWgs84(latlng.lng, latlng.lat) : [latlng.lng, latlng.lat];
  }

  /* ---- base layers ---- */
  const TIANDITU_URL = "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile" +
    "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles" +
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}";
  const AMAP_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}";

  function addTiles(map) {
    const attribution = config.attribution || "";
    if (config.tiles === "tianditu") {
      const options = { subdomains: "01234567", maxZoom: 18, tk: config.tileKey, attribution: attribution };
      const url = config.tileUrl || TIANDITU_URL;
      L.tileLayer(url, Object.assign({ layer: "vec" }, options)).addTo(map);
      L.tileLayer(url, Object.assign({ layer: "cva" }, options, { attribution: "" })).addTo(map);
    } else if (config.tiles === "amap") {
      L.tileLayer(config.tileUrl || AMAP_URL, { subdomains: "1234", maxZoom: 18, attribution: attribution }).addTo(map);
    } else if (config.tiles === "xyz" && config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: attribution }).addTo(map);
    }
    map.getContainer().classList.toggle("no-tiles", config.tiles === "none");
  }

  function ringArea(ring) {
    let sum = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      sum += (ring[j][0] * ring[i][1]) - (ring[i][0] * ring[j][1]);
    }
    return sum / 2;
  }

  /** Where a county's name goes: the centroid of its largest outer ring. */
  function labelPoint(geometry) {
    const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
    let best = polygons[0][0];
    polygons.forEach(function (polygon) {
      if (Math.abs(ringArea(polygon[0])) > Math.abs(ringArea(best))) best = polygon[0];
    });
    let cx = 0;
    let cy = 0;
    let area = 0;
    for (let i = 0, j = best.length - 1; i < best.length; j = i, i += 1) {
      const f = (best[j][0] * best[i][1]) - (best[i][0] * best[j][1]);
      cx += (best[j][0] + best[i][0]) * f;
      cy += (best[j][1] + best[i][1]) * f;
      area += f;
    }
    return area ? [cx / (3 * area), cy / (3 * area)] : best[0];
  }

  /** The bundled county outline, drawn whatever the tiles, so the map still reads when
   * tiles fail to load on a closed network. Resolves to the outline's bounds. */
  function addOutline(map, withLabels) {
    map.createPane("outline").style.zIndex = 350;
    map.createPane("labels").style.zIndex = 450;
    map.getPane("labels").style.pointerEvents = "none";
    const filled = config.tiles === "none";
    return fetch(config.outlineUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return null;
        const layer = L.geoJSON(data, {
          pane: "outline",
          interactive: false,
          coordsToLatLng: function (c) { return toDisplay(c[0], c[1]); },
          style: function (feature) {
            if (feature.properties.level === "prefecture") {
              return { color: "#263238", weight: 2.5, fill: false };
            }
            return {
              color: "#78909c",
              weight: 1,
              fillColor: "#f4f1ea",
              fillOpacity: filled ? 1 : 0.08,
            };
          },
        }).addTo(map);
        if (withLabels) {
          data.features.forEach(function (feature) {
            if (feature.properties.level !== "county") return;
            const p = labelPoint(feature.geometry);
            const name = document.createElement("span");
            name.textContent = feature.properties.name;
            L.marker(toDisplay(p[0], p[1]), {
              pane: "labels",
              interactive: false,
              keyboard: false,
              icon: L.divIcon({ className: "county-label", html: name, iconSize: null }),
            }).addTo(map);
          });
        }
        return layer.getBounds();
      })
      .catch(function () { return null; });
  }

  /* ---- markers ---- */
  function safeClass(value) {
    return String(value || "").replace(/[^a-z0-9_-]/gi, "");
  }

  /* Icons and labels are nodes, never markup: Leaflet puts a string `html` into the page as
   * HTML, and the Content-Security-Policy refuses inline style attributes. A custom property
   * set through the style object is neither. */
  function pin(colour, classes) {
    const node = document.createElement("span");
    node.className = "pin " + classes.map(safeClass).join(" ");
    if (/^#[0-9a-f]{3,8}$/i.test(colour || "")) node.style.setProperty("--pin", colour);
    return node;
  }

  function siteIcon(kind, status) {
    const style = config.kinds[kind] || { colour: "#546e7a", shape: "circle" };
    return L.divIcon({
      className: "site-marker",
      html: pin(style.colour, [style.shape, "k-" + kind, "s-" + status]),
      iconSize: [20, 20],
      iconAnchor: [10, 10],
      popupAnchor: [0, -10],
    });
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function popupFor(props) {
    const labels = config.labels;
    const box = element("div", "site-popup");
    if (props.photo) {
      const img = element("img");
      img.src = props.photo;
      img.alt = props.name;
      img.loading = "lazy";
      box.appendChild(img);
    } else {
      box.appendChild(element("div", "nophoto", labels.noPhoto));
    }
    const title = element("a", "name", props.name);
    title.href = props.url;
    box.appendChild(title);
    const facts = element("dl");
    [
      [labels.kind, props.kind_label],
      [labels.unit, props.unit],
      [labels.status, props.status_label],
      [labels.assigned, props.staff_count],
    ].forEach(function (row) {
      facts.appendChild(element("dt", null, row[0]));
      facts.appendChild(element("dd", null, row[1]));
    });
    box.appendChild(facts);
    const more = element("a", "more", labels.open + " ›");
    more.href = props.url;
    box.appendChild(more);
    return box;
  }

  function clusterIcon(cluster) {
    const n = cluster.getChildCount();
    const size = n < 10 ? 30 : n < 100 ? 36 : 44;
    const count = document.createElement("span");
    count.textContent = String(n);
    return L.divIcon({ className: "site-cluster", html: count, iconSize: [size, size] });
  }

  function baseMap(el, options) {
    const map = L.map(el, Object.assign({ zoomSnap: 0.5, maxZoom: 18, minZoom: 5, attributionControl: true }, options || {}));
    map.attributionControl.setPrefix(false);
    addTiles(map);
    return map;
  }

  /* ---- the map of all sites ---- */
  function sitesMap(el) {
    const map = baseMap(el).setView([38.93, 100.45], 8);
    const outline = addOutline(map, true);
    const cluster = L.markerClusterGroup({
      chunkedLoading: true,
      maxClusterRadius: 40,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      disableClusteringAtZoom: 14,
      iconCreateFunction: clusterIcon,
    });
    map.addLayer(cluster);
    const counter = document.getElementById("site-count");
    const form = document.querySelector("form.filters");
    const state = { loaded: false, error: null };

    function params() {
      const query = new URLSearchParams();
      if (form) {
        new FormData(form).forEach(function (value, key) { if (value) query.set(key, value); });
      }
      return query;
    }

    function load() {
      state.loaded = false;
      el.dataset.loaded = "false";
      const query = params();
      const pageQuery = query.toString();
      window.history.replaceState(null, "", window.location.pathname + (pageQuery ? "?" + pageQuery : ""));
      query.set("limit", "10000");
      return fetch(config.sitesUrl + "?" + query.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          const markers = data.features.map(function (feature) {
            const c = feature.geometry.coordinates;
            const props = feature.properties;
            const marker = L.marker(toDisplay(c[0], c[1]), {
              icon: siteIcon(props.kind, props.status),
              title: props.name,
              alt: props.name,
            });
            marker.bindPopup(function () { return popupFor(props); }, { maxWidth: 260, minWidth: 200 });
            return marker;
          });
          cluster.clearLayers();
          cluster.addLayers(markers);
          if (counter) counter.textContent = config.labels.count.replace("%(n)s", String(markers.length));
          return outline.then(function (outlineBounds) {
            const bounds = markers.length ? cluster.getBounds() : outlineBounds;
            if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
          });
        })
        .catch(function (error) {
          state.error = String(error);
          cluster.clearLayers();
          if (counter) counter.textContent = config.labels.loadFailed;
        })
        .then(function () {
          state.loaded = true;
          el.dataset.loaded = "true";
          el.dispatchEvent(new CustomEvent("fangkong:sites-loaded", { bubbles: true }));
        });
    }

    if (form) {
      form.addEventListener("change", load);
      form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    }
    const legend = document.querySelector(".legend");
    if (legend && window.matchMedia("(max-width: 640px)").matches) legend.open = false;

    window.fangkongMap = {
      map: map,
      crs: config.crs,
      tiles: config.tiles,
      ready: load(),
      reload: load,
      get loaded() { return state.loaded; },
      get error() { return state.error; },
      /** Site features currently loaded, whether shown singly or inside a cluster. */
      markerCount: function () { return cluster.getLayers().length; },
    };
  }

  /* ---- a site's own page: one marker ---- */
  function siteMap(el) {
    const here = toDisplay(parseFloat(el.dataset.lng), parseFloat(el.dataset.lat));
    const map = baseMap(el, { scrollWheelZoom: false }).setView(here, 10);
    addOutline(map, true);
    L.marker(here, { icon: siteIcon(el.dataset.kind, el.dataset.status), keyboard: false }).addTo(map);
    window.fangkongMap = { map: map, crs: config.crs, tiles: config.tiles, loaded: true, markerCount: function () { return 1; } };
  }

  /* ---- the coordinate picker of the site form ---- */
  function pickerMap(el) {
    const form = el.closest("form");
    const lngInput = form.querySelector("[name=lng]");
    const latInput = form.querySelector("[name=lat]");
    const map = baseMap(el, { scrollWheelZoom: "center" });
    const outline = addOutline(map, true);
    let marker = null;

    function typed() {
      const lng = parseFloat(lngInput.value);
      const lat = parseFloat(latInput.value);
      return Number.isFinite(lng) && Number.isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180
        ? [lng, lat] : null;
    }

    const kindSelect = form.querySelector("[name=kind]");
    function icon() { return siteIcon(kindSelect ? kindSelect.value : "", "open"); }

    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { draggable: true, icon: icon() }).addTo(map);
        marker.on("dragend", function () { fill(marker.getLatLng()); });
      }
    }
    if (kindSelect) {
      kindSelect.addEventListener("change", function () { if (marker) marker.setIcon(icon()); });
    }

    function fill(latlng) {
      const p = fromDisplay(latlng);
      lngInput.value = p[0].toFixed(6);
      latInput.value = p[1].toFixed(6);
      [lngInput, latInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }

    map.on("click", function (event) {
      place(event.latlng);
      fill(event.latlng);
    });
    [lngInput, latInput].forEach(function (input) {
      input.addEventListener("input", function () {
        const p = typed();
        if (p) place(toDisplay(p[0], p[1]));
      });
    });

    const start = typed();
    if (start) {
      const here = toDisplay(start[0], start[1]);
      place(here);
      map.setView(here, 10);
    } else {
      map.setView([38.93, 100.45], 8);
      outline.then(function (bounds) { if (bounds) map.fitBounds(bounds); });
    }
    window.fangkongMap = {
      map: map, crs: config.crs, tiles: config.tiles, loaded: true,
      markerCount: function () { return marker ? 1 : 0; },
    };
  }

  const builders = { sites: sitesMap, site: siteMap, picker: pickerMap };
  document.querySelectorAll("[data-map]").forEach(function (el) {
    const build = builders[el.dataset.map];
    if (build) build(el);
  });
})();
