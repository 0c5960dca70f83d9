/* The sighting report form: species suggestions, a map to click the place on, and the device's
   location. Leaflet comes from django-leaflet's static files; no inline script (the CSP forbids it).
   Without JavaScript the form still works: species are resolved on the server, and the place is a
   grid reference or a postcode. */
(function () {
  "use strict";

  var GB_BOUNDS = [[49.8, -8.7], [60.9, 1.8]];
  var LAND_STYLE = { color: "#8a9a8a", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1, interactive: false };
  var MARKER_STYLE = { radius: 8, color: "#7a1f00", weight: 3, fillColor: "#ffbf47", fillOpacity: 1 };

  function speciesSuggestions(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var query = input.value.trim();
        if (query.length < 2 || query === lastQuery) { return; }
        lastQuery = query;
        fetch(input.dataset.lookupUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (species) {
              var option = document.createElement("option");
              option.value = species.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the server resolves the name on sending anyway */ });
      }, 250);
    });
  }

  function reportMap(container) {
    var form = container.closest("form");
    var fields = form.elements;
    var status = document.getElementById("chosen-place");
    // On a phone one finger scrolls the page past the map; two fingers move and zoom it.
    var map = L.map(container, {
      zoomSnap: 1, minZoom: 5, maxZoom: 18, attributionControl: true, dragging: !L.Browser.mobile,
    });
    var marker = null;
    map.fitBounds(GB_BOUNDS);
    if (container.dataset.tilesUrl) {
      L.tileLayer(container.dataset.tilesUrl, { attribution: container.dataset.tilesAttribution || "" }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(container.dataset.attributionLabel);
    if (container.dataset.landUrl) {
      fetch(container.dataset.landUrl, { credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(); } return response.json(); })
        .then(function (land) { L.geoJSON(land, { style: LAND_STYLE }).addTo(map).bringToBack(); })
        .catch(function () { /* the map still takes clicks without the outline */ });
    }

    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else {
        marker = L.circleMarker(latlng, MARKER_STYLE).addTo(map).bindTooltip(container.dataset.markerLabel);
      }
    }

    function choose(latlng, source, extra) {
      fields.latitude.value = latlng.lat.toFixed(6);
      fields.longitude.value = latlng.lng.toFixed(6);
      fields.location_source.value = source;
      fields.map_zoom.value = source === "map" ? String(map.getZoom()) : "";
      fields.device_accuracy.value = source === "device" ? String(Math.ceil(extra)) : "";
      // The place is now the map's: a grid reference or postcode typed before would win over it.
      fields.grid_reference.value = "";
      fields.postcode.value = "";
      place(latlng);
    }

    function forget() {
      ["latitude", "longitude", "location_source", "map_zoom", "device_accuracy"].forEach(function (name) {
        fields[name].value = "";
      });
      if (marker) { map.removeLayer(marker); marker = null; }
      status.textContent = "";
    }

    if (fields.latitude.value && fields.longitude.value) {
      var previous = L.latLng(+fields.latitude.value, +fields.longitude.value);
      place(previous);
      map.setView(previous, Math.max(+fields.map_zoom.value || 12, 8));
    }

    map.on("click", function (event) {
      choose(event.latlng, "map");
      status.textContent = status.dataset.mapLabel;
    });
    ["grid_reference", "postcode"].forEach(function (name) {
      fields[name].addEventListener("input", function () { if (fields[name].value.trim()) { forget(); } });
    });

    var button = form.querySelector("[data-use-my-location]");
    if (button && "geolocation" in navigator) {
      button.hidden = false;
      button.addEventListener("click", function () {
        status.textContent = button.dataset.findingLabel;
        navigator.geolocation.getCurrentPosition(function (position) {
          var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
          choose(latlng, "device", position.coords.accuracy);
          map.setView(latlng, 15);
          status.textContent = button.dataset.foundLabel;
        }, function () {
          status.textContent = button.dataset.refusedLabel;
        }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-lookup-url]").forEach(speciesSuggestions);
    if (typeof L !== "undefined") {
      document.querySelectorAll("[data-map=report]").forEach(reportMap);
    }
  });
})();
