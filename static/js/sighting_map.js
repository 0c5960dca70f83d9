/* A sighting's map in the admin (loaded on its page only; no inline script): the recorded point and
   a circle of its uncertainty, to look at, never to move. admin.js draws Great Britain under it. */
(function () {
  "use strict";

  var RECORD_STYLE = { color: "#b71c1c", weight: 2, fillColor: "#e53935", fillOpacity: 0.15, interactive: false };

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var box = map.getContainer().closest("[data-sighting-map]");
    if (!box) { return; }
    var point = [parseFloat(box.dataset.latitude), parseFloat(box.dataset.longitude)];
    var circle = L.circle(point, Object.assign({ radius: parseFloat(box.dataset.uncertaintyM) || 1 }, RECORD_STYLE)).addTo(map);
    L.circleMarker(point, { radius: 5, color: "#b71c1c", weight: 2, fillColor: "#b71c1c", fillOpacity: 1, interactive: false }).addTo(map);
    map.fitBounds(circle.getBounds(), { maxZoom: 14, padding: [24, 24] });
    box.setAttribute("data-record", "drawn");
  });
})();
