/* The timeline: matching incidents per week, stacked by event type, drawn as
 * plain SVG from /api/timeline. Dragging across it selects a range of weeks
 * and reloads the page with date_from/date_to set, so the map, the list,
 * the exports and the timeline itself all follow (the filters live in the URL).
 */
(function () {
  "use strict";

  var el = document.getElementById("timeline");
  var status = document.getElementById("timeline-status");
  if (!el) { return; }
  var SVG = "http://www.w3.org/2000/svg";
  var colorOf = window.corroborateColors ? window.corroborateColors.of
                                         : function () { return "#c0392b"; };
  var HEIGHT = 150;
  var PAD = { left: 36, right: 8, top: 8, bottom: 22 };

  function say(text) { if (status) { status.textContent = text; } }

  function node(tag, attrs, parent) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { n.setAttribute(k, String(attrs[k])); });
    if (parent) { parent.appendChild(n); }
    return n;
  }

  function addDays(iso, days) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function draw(data) {
    var weeks = data.weeks;
    while (el.firstChild) { el.removeChild(el.firstChild); }
    if (!weeks.length) { say("No dated incidents match these filters."); return; }
    var width = Math.max(320, el.clientWidth || 800);
    var plotW = width - PAD.left - PAD.right;
    var plotH = HEIGHT - PAD.top - PAD.bottom;
    var max = 1;
    var total = 0;
    weeks.forEach(function (w) {
      var s = 0;
      Object.keys(w.counts).forEach(function (t) { s += w.counts[t]; });
      w.total = s;
      total += s;
      if (s > max) { max = s; }
    });
    var step = plotW / weeks.length;
    var svg = node("svg", { width: width, height: HEIGHT, viewBox: "0 0 " + width + " " + HEIGHT,
                            role: "img", "class": "timeline-svg" }, el);
    var title = node("title", {}, svg);
    title.textContent = total + " dated incidents in " + weeks.length + " weeks";
    /* axes: y max and the first/last week */
    node("line", { x1: PAD.left, y1: PAD.top + plotH, x2: width - PAD.right, y2: PAD.top + plotH,
                   "class": "axis" }, svg);
    var yMax = node("text", { x: PAD.left - 4, y: PAD.top + 8, "text-anchor": "end", "class": "tick" }, svg);
    yMax.textContent = String(max);
    var y0 = node("text", { x: PAD.left - 4, y: PAD.top + plotH, "text-anchor": "end", "class": "tick" }, svg);
    y0.textContent = "0";
    var first = node("text", { x: PAD.left, y: HEIGHT - 6, "class": "tick" }, svg);
    first.textContent = weeks[0].week;
    var last = node("text", { x: width - PAD.right, y: HEIGHT - 6, "text-anchor": "end", "class": "tick" }, svg);
    last.textContent = weeks[weeks.length - 1].week;

    var bars = node("g", { "class": "bars" }, svg);
    weeks.forEach(function (w, i) {
      var y = PAD.top + plotH;
      var g = node("g", { "class": "week", "data-week": w.week }, bars);
      var tip = node("title", {}, g);
      tip.textContent = "Week of " + w.week + ": " + w.total + " incident" + (w.total === 1 ? "" : "s");
      data.types.forEach(function (t) {
        var n = w.counts[t] || 0;
        if (!n) { return; }
        var h = n / max * plotH;
        y -= h;
        node("rect", { x: PAD.left + i * step + (step > 3 ? 0.5 : 0), y: y,
                       width: Math.max(0.5, step - (step > 3 ? 1 : 0)), height: h,
                       fill: colorOf(t), "class": "bar" }, g);
      });
    });

    /* brushing */
    var brush = node("rect", { x: 0, y: PAD.top, width: 0, height: plotH, "class": "brush" }, svg);
    var overlay = node("rect", { x: PAD.left, y: PAD.top, width: plotW, height: plotH,
                                 "class": "brush-overlay" }, svg);
    var start = null;
    function weekAt(evt) {
      var box = svg.getBoundingClientRect();
      var x = (evt.clientX - box.left) * (width / box.width) - PAD.left;
      return Math.max(0, Math.min(weeks.length - 1, Math.floor(x / step)));
    }
    function show(a, b) {
      var lo = Math.min(a, b);
      var hi = Math.max(a, b);
      brush.setAttribute("x", String(PAD.left + lo * step));
      brush.setAttribute("width", String((hi - lo + 1) * step));
    }
    overlay.addEventListener("pointerdown", function (evt) {
      start = weekAt(evt);
      overlay.setPointerCapture(evt.pointerId);
      show(start, start);
    });
    overlay.addEventListener("pointermove", function (evt) {
      if (start !== null) { show(start, weekAt(evt)); }
    });
    overlay.addEventListener("pointerup", function (evt) {
      if (start === null) { return; }
      var end = weekAt(evt);
      var lo = Math.min(start, end);
      var hi = Math.max(start, end);
      start = null;
      var target = new URL(window.location.href);
      target.searchParams.set("date_from", weeks[lo].week);
      target.searchParams.set("date_to", addDays(weeks[hi].week, 6));
      target.searchParams.delete("offset");
      say("Filtering to " + weeks[lo].week + " – " + addDays(weeks[hi].week, 6) + "…");
      window.location.assign(target.toString());
    });
    say(total + " dated incident" + (total === 1 ? "" : "s") + " in " + weeks.length +
        " week" + (weeks.length === 1 ? "" : "s") + ", " + weeks[0].week + " to " +
        addDays(weeks[weeks.length - 1].week, 6) + ".");
  }

  fetch(el.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(draw)
    .catch(function () { say("The timeline could not be loaded."); });
}());
