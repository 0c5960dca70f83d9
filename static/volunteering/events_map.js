/* The events' maps: the list's meeting points (from its GeoJSON, with the list's filters) and one
   event's meeting point. Built on static/js/maps.js; every word comes from data attributes. */
(function () {
  "use strict";

  var MARKER = { radius: 8, color: "#0b3d91", weight: 3, fillColor: "#ffbf47", fillOpacity: 1 };
  var PLACE = { radius: 6, color: "#7a1f00", weight: 2, fillColor: "#ffffff", fillOpacity: 1 };

  function popup(feature) {
    var el = window.LagPortalMaps.el;
    var box = el("div", { class: "map-popup" });
    var title = el("p", { class: "fw-bold mb-1" });
    title.appendChild(el("a", { href: feature.properties.url }, feature.properties.title));
    box.appendChild(title);
    box.appendChild(el("p", { class: "mb-1 small" }, feature.properties.when));
    box.appendChild(el("p", { class: "mb-1 small" }, feature.properties.kind + " · " + feature.properties.organiser));
    if (feature.properties.where) { box.appendChild(el("p", { class: "mb-0 small" }, feature.properties.where)); }
    return box;
  }

  function eventsMap(container) {
    var maps = window.LagPortalMaps;
    var map = maps.createMap(container);
    var place = null;
    if (container.dataset.markerLat) {
      place = L.circleMarker([+container.dataset.markerLat, +container.dataset.markerLon], PLACE)
        .addTo(map).bindTooltip(container.dataset.markerLabel || container.dataset.yourPlaceLabel);
    }
    maps.fetchJson(container.dataset.geojsonUrl).then(function (collection) {
      var layer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, MARKER); },
        onEachFeature: function (feature, featureLayer) { featureLayer.bindPopup(popup(feature)); },
      }).addTo(map);
      var bounds = layer.getBounds();
      if (place) { bounds.extend(place.getLatLng()); }
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); }
      container.setAttribute("data-loaded", String(collection.features.length));
    }).catch(function () {
      container.insertAdjacentElement("afterend", maps.el("p", { class: "alert alert-warning mt-2" },
        container.dataset.eventsErrorLabel));
    });
  }

  function meetingPointMap(container) {
    var map = window.LagPortalMaps.createMap(container);
    var point = [+container.dataset.lat, +container.dataset.lon];
    L.circleMarker(point, MARKER).addTo(map).bindTooltip(container.dataset.markerLabel);
    map.setView(point, 13);
    container.setAttribute("data-loaded", "1");
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined" || !window.LagPortalMaps) { return; }
    document.querySelectorAll("[data-map=events]").forEach(eventsMap);
    document.querySelectorAll("[data-map=meeting-point]").forEach(meetingPointMap);
  });
})();
