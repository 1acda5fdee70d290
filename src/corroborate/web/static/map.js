/* The incident map: an offline world basemap (world-atlas TopoJSON via
 * topojson-client) with one marker per incident that has coordinates.
 *
 * Everything comes from data-* attributes of #map and from /api/incidents;
 * article-derived text is only ever put into the page with textContent.
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

  var map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 12 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Leaflet · Natural Earth via world-atlas");
  map.setView([15, 10], 2);

  map.createPane("basemap"); /* below the markers; z-index in style.css */

  fetch(el.dataset.world, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (topo) {
      var countries = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(countries, {
        pane: "basemap",
        interactive: false,
        style: { color: "#9aa5ae", weight: 0.6, fillColor: "#f3f1ea", fillOpacity: 1 }
      }).addTo(map);
    })
    .catch(function () { say("The basemap could not be loaded."); });

  var markers = L.featureGroup().addTo(map);
  var cap = parseInt(el.dataset.cap || "10000", 10);

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }

  function figures(f) {
    if (!f || (f.low === null && f.best === null && f.high === null)) { return "unknown"; }
    function part(v) { return v === null || v === undefined ? "?" : String(v); }
    return part(f.low) + "–" + part(f.best) + "–" + part(f.high);
  }

  /* "Gao, Mali", not "Gao, Gao, Mali" (as the pages write places). */
  function placeOf(inc) {
    return [inc.location, inc.admin1, inc.country].filter(function (p, i, all) {
      return p && all.indexOf(p) === i;
    }).join(", ");
  }

  function describe(box, inc, withPlace) {
    var a = text("a", (inc.event_date || "undated") + " · " + inc.sub_event_type);
    a.href = el.dataset.dossier + encodeURIComponent(inc.incident_id);
    box.appendChild(a);
    if (withPlace) {
      box.appendChild(text("p", placeOf(inc) || "place unknown"));
    }
    box.appendChild(text("p", "Fatalities (low–best–high): " + figures(inc.fatalities)));
    var n = (inc.reports || []).length;
    box.appendChild(text("p", n + (n === 1 ? " report · " : " reports · ") + inc.grade, "muted"));
  }

  /* One popup per place: incidents with the same coordinates (often a
   * town's or a region's centroid) share one marker, so none hides another. */
  function popup(group) {
    var box = document.createElement("div");
    if (group.incidents.length === 1) {
      describe(box, group.incidents[0], true);
      return box;
    }
    var place = placeOf(group.incidents[0]);
    box.appendChild(text("p", group.incidents.length + " incidents at " +
                          (place || "this place"), "popup-head"));
    var list = document.createElement("ul");
    list.className = "popup-list";
    group.incidents.forEach(function (inc) {
      var item = document.createElement("li");
      describe(item, inc, false);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function best(inc) {
    return inc.fatalities && typeof inc.fatalities.best === "number" ? inc.fatalities.best : 0;
  }

  function radius(group) {
    var sum = group.incidents.reduce(function (acc, inc) { return acc + best(inc); }, 0);
    return 5 + Math.min(12, Math.sqrt(sum) * 2);
  }

  var groups = {};
  var places = [];
  var shown = 0;
  var unplaced = 0;

  function add(incidents) {
    incidents.forEach(function (inc) {
      if (typeof inc.latitude !== "number" || typeof inc.longitude !== "number") {
        unplaced += 1;
        return;
      }
      var key = inc.latitude.toFixed(5) + "," + inc.longitude.toFixed(5);
      var group = groups[key];
      if (!group) {
        group = groups[key] = { latlng: [inc.latitude, inc.longitude], incidents: [] };
        places.push(group);
      }
      group.incidents.push(inc);
      shown += 1;
    });
  }

  function draw() {
    places.forEach(function (group) {
      var many = group.incidents.length > 1;
      L.circleMarker(group.latlng, {
        radius: radius(group),
        color: "#7a1f1f",
        weight: many ? 3 : 1,
        fillColor: "#c0392b",
        fillOpacity: 0.65
      }).bindPopup(popup(group), { maxHeight: 280 }).addTo(markers);
    });
  }

  function done(total) {
    draw();
    var msg = shown + " of " + total + " incident" + (total === 1 ? "" : "s") + " on the map";
    if (places.length < shown) { msg += " at " + places.length + " places"; }
    if (unplaced) { msg += " (" + unplaced + " without coordinates)"; }
    if (total > cap) { msg += "; only the first " + cap + " were loaded"; }
    say(msg + ".");
    if (shown) { map.fitBounds(markers.getBounds(), { padding: [30, 30], maxZoom: 6 }); }
  }

  function load(offset) {
    var url = new URL(el.dataset.api, window.location.href);
    url.searchParams.set("offset", String(offset));
    fetch(url.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (page) {
        add(page.incidents);
        var next = page.offset + page.incidents.length;
        if (page.incidents.length && next < page.total && next < cap) {
          load(next);
        } else {
          done(page.total);
        }
      })
      .catch(function () { say("The incidents could not be loaded for the map."); });
  }

  say("Loading incidents…");
  load(0);
}());
