/* The dossier's map inset: the incident's place on the offline basemap
 * (countries and admin-1 boundaries). Coordinates come from data-* attributes. */
(function () {
  "use strict";
  var el = document.getElementById("inset");
  if (!el || typeof L === "undefined" || typeof topojson === "undefined") { return; }
  var lat = parseFloat(el.dataset.lat);
  var lon = parseFloat(el.dataset.lon);
  if (!isFinite(lat) || !isFinite(lon)) { return; }
  var precision = parseInt(el.dataset.precision || "1", 10);
  var map = L.map(el, { zoomControl: true, attributionControl: false, minZoom: 2, maxZoom: 12 });
  map.setView([lat, lon], precision >= 3 ? 5 : 7);
  map.createPane("basemap");

  function draw(url, object, style) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (topo) {
        L.geoJSON(topojson.feature(topo, topo.objects[object]), {
          pane: "basemap", interactive: false, style: style
        }).addTo(map);
      });
  }
  draw(el.dataset.world, "countries",
       { color: "#9aa5ae", weight: 0.8, fillColor: "#f3f1ea", fillOpacity: 1 })
    .then(function () {
      return draw(el.dataset.admin1, "admin1",
                  { color: "#b8c0c6", weight: 0.5, dashArray: "2 2", fill: false });
    })
    .catch(function () { el.classList.add("inset-failed"); });

  var colour = window.corroborateColors ? window.corroborateColors.of(el.dataset.type) : "#c0392b";
  if (precision >= 2) {
    L.circle([lat, lon], { radius: precision >= 3 ? 60000 : 15000, color: colour,
                           weight: 1, fillOpacity: 0.15 }).addTo(map);
  }
  L.circleMarker([lat, lon], { radius: 7, color: "#222", weight: 1.5,
                               fillColor: colour, fillOpacity: 0.9,
                               className: "inset-marker" }).addTo(map);
}());
