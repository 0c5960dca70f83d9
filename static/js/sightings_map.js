/* The public map of verified sightings: each feature is the centre of a grid square (1 or 10 km,
   blurred by the server), drawn as that square. For one species ("scope": "one_species") a feature
   is a square and treatment state of that species; for all species ("all_species") it is a 10 km
   square with its records, species and the species most recorded there. Still-present squares stand
   out; treated or removed ones are faint and dashed. Words come from the element's data attributes.
   Needs maps.js. */
(function () {
  "use strict";

  var METRES_PER_DEGREE = 111320;
  var PRESENT_STYLE = { color: "#7a1f00", weight: 1.5, fillColor: "#e65100", fillOpacity: 0.6 };
  var TREATED_STYLE = { color: "#1b5e20", weight: 1.5, fillColor: "#2e7d32", fillOpacity: 0.3, dashArray: "3 2" };

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) { return values[name]; });
  }

  function squareBounds(latlng, sideMetres) {
    var half = sideMetres / 2;
    var dLat = half / METRES_PER_DEGREE;
    var dLng = half / (METRES_PER_DEGREE * Math.cos(latlng[0] * Math.PI / 180));
    return [[latlng[0] - dLat, latlng[1] - dLng], [latlng[0] + dLat, latlng[1] + dLng]];
  }

  function popup(labels, properties) {
    var maps = window.LagPortalMaps;
    var box = maps.el("div", { class: "map-popup" });
    var title = maps.el("p", { class: "fw-bold mb-1" });
    title.appendChild(maps.el("a", { href: properties.species_url }, properties.common_name || properties.scientific_name));
    box.appendChild(title);
    if (properties.common_name) { box.appendChild(maps.el("p", { class: "fst-italic mb-1" }, properties.scientific_name)); }
    var state = { present: labels.presentLabel, treated: labels.treatedLabel, removed: labels.removedLabel }[properties.treatment];
    box.appendChild(maps.el("p", { class: "mb-1" }, state));
    box.appendChild(maps.el("p", { class: "mb-1 small" }, fill(labels.recordsLabel, { count: properties.records })));
    var seen = properties.first_seen === properties.last_seen
      ? fill(labels.seenInLabel, { month: properties.last_seen })
      : fill(labels.seenLabel, { first: properties.first_seen, last: properties.last_seen });
    box.appendChild(maps.el("p", { class: "mb-1 small" }, seen));
    box.appendChild(maps.el("p", { class: "mb-0 small" }, fill(labels.squareLabel, { km: properties.square_m / 1000 })));
    return box;
  }

  function nationalPopup(labels, properties) {
    var maps = window.LagPortalMaps;
    var km = properties.square_m / 1000;
    var box = maps.el("div", { class: "map-popup" });
    box.appendChild(maps.el("p", { class: "fw-bold mb-1" }, fill(labels.nationalSquareLabel, { km: km, square: properties.square })));
    box.appendChild(maps.el("p", { class: "mb-1" }, fill(labels.nationalRecordsLabel,
      { km: km, count: properties.records, species: properties.species })));
    box.appendChild(maps.el("p", { class: "mb-1 small" }, fill(labels.stillPresentLabel, { count: properties.still_present })));
    var seen = properties.first_seen === properties.last_seen
      ? fill(labels.seenInLabel, { month: properties.last_seen })
      : fill(labels.seenLabel, { first: properties.first_seen, last: properties.last_seen });
    box.appendChild(maps.el("p", { class: "mb-1 small" }, seen));
    if (properties.top_species.length) {
      box.appendChild(maps.el("p", { class: "mb-0 small" }, labels.topSpeciesLabel));
      var list = maps.el("ul", { class: "mb-1 small ps-3" });
      properties.top_species.forEach(function (top) {
        var item = maps.el("li");
        item.appendChild(maps.el("a", { href: top.map_url },
          fill(labels.speciesRecordsLabel, { name: top.common_name || top.scientific_name, count: top.records })));
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    box.appendChild(maps.el("p", { class: "mb-0 small" }, labels.showSpeciesLabel));
    return box;
  }

  function isStillPresent(collection, properties) {
    return collection.scope === "all_species" ? properties.still_present > 0 : properties.treatment === "present";
  }

  function sightingsMap(container) {
    var maps = window.LagPortalMaps;
    var map = maps.createMap(container);
    var labels = container.dataset;
    var renderer = L.canvas();
    maps.fetchJson(container.dataset.geojsonUrl).then(function (collection) {
      var layer = L.featureGroup();
      collection.features.forEach(function (feature) {
        var centre = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
        var style = isStillPresent(collection, feature.properties) ? PRESENT_STYLE : TREATED_STYLE;
        var square = L.rectangle(squareBounds(centre, feature.properties.square_m),
          Object.assign({ renderer: renderer }, style));
        var describe = collection.scope === "all_species" ? nationalPopup : popup;
        square.bindPopup(function () { return describe(labels, feature.properties); });
        layer.addLayer(square);
      });
      layer.addTo(map);
      if (collection.features.length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 10 }); }
      container.setAttribute("data-loaded", String(collection.features.length));
    }).catch(function () {
      container.insertAdjacentElement("afterend", maps.el("p", { class: "alert alert-warning mt-2" },
        labels.sightingsErrorLabel));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L !== "undefined" && window.LagPortalMaps) {
      document.querySelectorAll("[data-map=sightings]").forEach(sightingsMap);
    }
  });
})();
