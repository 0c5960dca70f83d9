/* LAG Portal maps: Leaflet (served by django-leaflet) on a plain background unless a tile
   server is configured. Every map is set up from data attributes: no inline script. */
(function () {
  "use strict";

  var GB_BOUNDS = [[49.8, -8.7], [60.9, 1.8]];
  var LAND_STYLE = { color: "#8a9a8a", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1, interactive: false };
  var GROUP_STYLE = { color: "#1b5e20", weight: 1.5, fillColor: "#43a047", fillOpacity: 0.35 };
  var HIGHLIGHT_STYLE = { weight: 3, fillOpacity: 0.55 };

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } }).then(
      function (response) {
        if (!response.ok) { throw new Error(url + " answered " + response.status); }
        return response.json();
      }
    );
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function finderLink(container, latlng, text) {
    var url = container.dataset.finderUrl + "?lat=" + latlng.lat.toFixed(5) + "&lon=" + latlng.lng.toFixed(5);
    return el("a", { href: url }, text);
  }

  // Every word a map shows comes from its element's data attributes, translated by the page
  // (templates/groups/_map_labels.html; the location button's in templates/groups/_finder_form.html).

  // On a touch screen one finger scrolls the page, not the map, until "Move the map" is pressed:
  // Leaflet then takes one-finger drags and pinches (its CSS sets touch-action only while they are on).
  function isTouchScreen() {
    return L.Browser.mobile || (window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
  }

  var MoveControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function (map) {
      // A toggle button (aria-pressed), labelled from the page, translated: data-move-label (_map_labels.html).
      var labels = map.getContainer().dataset;
      var box = el("div", { class: "map-activate leaflet-control" });
      var button = el("button", { type: "button", "aria-pressed": "false" }, labels.moveLabel);
      box.appendChild(button);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.on(button, "click", function () {
        var on = button.getAttribute("aria-pressed") !== "true";
        [map.dragging, map.touchZoom].forEach(function (handler) {
          if (on) { handler.enable(); } else { handler.disable(); }
        });
        button.setAttribute("aria-pressed", String(on));
      });
      return box;
    },
  });

  function createMap(container) {
    var touch = isTouchScreen();
    var map = L.map(container, {
      zoomSnap: 0.5, minZoom: 4, maxZoom: 16, attributionControl: true,
      dragging: !touch, touchZoom: !touch, scrollWheelZoom: !touch,
    });
    if (touch) { new MoveControl().addTo(map); }
    map.fitBounds(GB_BOUNDS);
    if (container.dataset.tilesUrl) {
      L.tileLayer(container.dataset.tilesUrl, { attribution: container.dataset.tilesAttribution || "" }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(container.dataset.attributionLabel);
    if (container.dataset.landUrl) {
      fetchJson(container.dataset.landUrl).then(function (land) {
        L.geoJSON(land, { style: LAND_STYLE }).addTo(map).bringToBack();
      }).catch(function () { /* the groups still draw without the land outline */ });
    }
    return map;
  }

  function groupPopup(container, feature, latlng) {
    var box = el("div", { class: "map-popup" });
    var title = el("p", { class: "fw-bold mb-1" });
    title.appendChild(el("a", { href: feature.properties.url }, feature.properties.name));
    box.appendChild(title);
    if (feature.properties.summary) { box.appendChild(el("p", { class: "mb-1 small" }, feature.properties.summary)); }
    if (container.dataset.finderUrl && latlng) {
      box.appendChild(finderLink(container, latlng, container.dataset.placeGroupsLabel));
    }
    return box;
  }

  function coverageMap(container) {
    var map = createMap(container);
    var marker = null;
    if (container.dataset.markerLat) {
      marker = L.circleMarker([+container.dataset.markerLat, +container.dataset.markerLon], {
        radius: 8, color: "#7a1f00", weight: 3, fillColor: "#ffbf47", fillOpacity: 1,
      }).addTo(map).bindTooltip(container.dataset.markerLabel || container.dataset.yourPlaceLabel);
    }
    fetchJson(container.dataset.geojsonUrl).then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: GROUP_STYLE,
        onEachFeature: function (feature, featureLayer) {
          featureLayer.on("click", function (event) {
            L.DomEvent.stopPropagation(event);
            L.popup().setLatLng(event.latlng).setContent(groupPopup(container, feature, event.latlng)).openOn(map);
          });
          featureLayer.on("mouseover", function () { featureLayer.setStyle(HIGHLIGHT_STYLE); });
          featureLayer.on("mouseout", function () { layer.resetStyle(featureLayer); });
        },
      }).addTo(map);
      if (marker) {
        map.setView(marker.getLatLng(), 8);
      }
      container.setAttribute("data-loaded", String(collection.features.length));
    }).catch(function () {
      container.insertAdjacentElement("afterend", el("p", { class: "alert alert-warning mt-2" },
        container.dataset.loadErrorLabel));
    });
    if (container.dataset.finderUrl) {
      map.on("click", function (event) {
        var box = el("div", { class: "map-popup" });
        box.appendChild(el("p", { class: "mb-1" }, container.dataset.noGroupLabel));
        box.appendChild(finderLink(container, event.latlng, container.dataset.nearestGroupsLabel));
        L.popup().setLatLng(event.latlng).setContent(box).openOn(map);
      });
    }
  }

  function groupMap(container) {
    var map = createMap(container);
    fetchJson(container.dataset.geojsonUrl).then(function (feature) {
      var layer = L.geoJSON(feature, { style: GROUP_STYLE, interactive: false }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [10, 10] });
      container.setAttribute("data-loaded", "1");
    });
  }

  function useMyLocation(button) {
    if (!("geolocation" in navigator)) { return; }
    var form = button.form;
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.findingLabel;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        form.elements.postcode.value = "";
        form.submit();
      }, function () {
        status.textContent = button.dataset.refusedLabel;
      }, { timeout: 10000 });
    });
  }

  // Other maps (static/js/sightings_map.js) start from the same plain map.
  window.LagPortalMaps = { createMap: createMap, fetchJson: fetchJson, el: el };

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L !== "undefined") {
      document.querySelectorAll("[data-map=coverage]").forEach(coverageMap);
      document.querySelectorAll("[data-map=group]").forEach(groupMap);
    }
    document.querySelectorAll("[data-use-my-location]").forEach(useMyLocation);
  });
})();
