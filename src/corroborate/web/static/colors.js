/* Colours of the ACLED event types, shared by the map, the timeline and the
 * dossier's inset. Only fixed strings here; no data. */
(function () {
  "use strict";
  var COLORS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#e67e22",
    "Violence against civilians": "#8e44ad",
    "Protests": "#2e86c1",
    "Riots": "#17a589",
    "Strategic developments": "#7f8c8d"
  };
  var OTHER = "#555555";
  window.corroborateColors = {
    types: Object.keys(COLORS),
    of: function (eventType) {
      return Object.prototype.hasOwnProperty.call(COLORS, eventType) ? COLORS[eventType] : OTHER;
    }
  };
}());
