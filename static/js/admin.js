/* LAG Portal admin (loaded on every admin page; no inline script).
   1. Names for the widgets Django's admin builds in the browser, which axe finds unnamed or
      mislabelled: the select2 pickers (named after their field's label; a multiple picker's "remove
      all" cross hidden from screen readers) and the filter icon of the "choose several" boxes (an
      aria-label on a plain span, which ARIA does not allow).
   2. Admin maps (django-leaflet) draw Great Britain's outline under the drawing, so a person finds
      their area without map tiles; a meeting's map also draws its group's area and starts on it. */
(function () {
  "use strict";

  var LAND_STYLE = { color: "#8a9a8a", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1, interactive: false };
  var AREA_STYLE = { color: "#1b5e20", weight: 1.5, fillColor: "#43a047", fillOpacity: 0.2, interactive: false };

  // The words this script shows, translated by the page: data attributes of its own <script> element
  // (templates/admin/base_site.html).
  var LABELS = document.currentScript ? document.currentScript.dataset : {};

  function labelIdFor(field) {
    var label = field && field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
    if (!label) { return null; }
    if (!label.id) { label.id = field.id + "_label"; }
    return label.id;
  }

  function nameSelect2(selection) {
    var container = selection.closest(".select2-container");
    var select = container ? container.previousElementSibling : null;
    if (!select || select.tagName !== "SELECT") { return; }
    var labelId = labelIdFor(select);
    if (!labelId) { return; }
    var rendered = selection.querySelector(".select2-selection__rendered");
    selection.setAttribute("aria-labelledby", labelId + (rendered && rendered.id ? " " + rendered.id : ""));
    if (rendered && rendered.getAttribute("role") === "textbox") { rendered.setAttribute("aria-labelledby", labelId); }
  }

  function nameSearchBox(search) {
    if (!search.hasAttribute("aria-label") && LABELS.searchLabel) { search.setAttribute("aria-label", LABELS.searchLabel); }
  }

  function describeFilterIcon(icon) {
    var text = document.createElement("span");
    text.className = "visually-hidden";
    text.textContent = icon.getAttribute("aria-label");
    icon.removeAttribute("aria-label");
    icon.setAttribute("aria-hidden", "true");
    icon.insertAdjacentElement("afterend", text);
  }

  // A multiple picker's "remove all" cross is a bare span inside its list of choices (a list may hold
  // only items), reachable by mouse alone: hidden from screen readers, which remove choices with the
  // keyboard (Backspace) as everyone else does.
  function hideClearAll(cross) { cross.setAttribute("aria-hidden", "true"); }

  var FIXES = [
    [".select2-selection[role=combobox]", nameSelect2],
    [".select2-selection__clear", hideClearAll],
    [".select2-search__field", nameSearchBox],
    [".search-label-icon[aria-label]", describeFilterIcon],
  ];

  function fix(root) {
    FIXES.forEach(function (pair) {
      if (root.matches && root.matches(pair[0])) { pair[1](root); }
      if (root.querySelectorAll) { root.querySelectorAll(pair[0]).forEach(pair[1]); }
    });
  }

  // The admin's scripts build these widgets at DOMContentLoaded, at load, and when an inline row is
  // added: name them as they appear (observer callbacks run before the page's next task).
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) { if (node.nodeType === 1) { fix(node); } });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  // --- Maps ---------------------------------------------------------------------------------------

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } }).then(
      function (response) {
        if (!response.ok) { throw new Error(url + " answered " + response.status); }
        return response.json();
      }
    );
  }

  function hasDrawing(box) {
    var stored = box.querySelector("textarea");
    return stored && stored.value.trim() !== "";
  }

  function groupArea(map, box) {
    var select = document.getElementById(box.dataset.areaGroupField);
    var layer = null;
    function show() {
      if (layer) { map.removeLayer(layer); layer = null; }
      if (!select || !select.value) { return; }
      fetchJson(box.dataset.areaUrl + "?id=" + encodeURIComponent(select.value)).then(function (area) {
        // Above Great Britain's outline (drawn behind everything), below the place's marker.
        layer = L.geoJSON(area, { style: AREA_STYLE }).addTo(map);
        if (!hasDrawing(box)) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
        box.setAttribute("data-area", "drawn");
      }).catch(function () { box.setAttribute("data-area", "missing"); });
    }
    show();
    // select2 tells of a new choice through jQuery's events only.
    if (select && window.django && window.django.jQuery) { window.django.jQuery(select).on("change", show); }
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var box = map.getContainer().closest("[data-admin-map]");
    if (!box) { return; }
    box.setAttribute("data-zoom", String(map.getZoom()));
    map.on("zoomend", function () { box.setAttribute("data-zoom", String(map.getZoom())); });
    if (box.dataset.landUrl) {
      fetchJson(box.dataset.landUrl).then(function (land) {
        L.geoJSON(land, { style: LAND_STYLE }).addTo(map).bringToBack();
        box.setAttribute("data-land", "drawn");
      }).catch(function () { box.setAttribute("data-land", "missing"); });
    }
    if (box.dataset.areaUrl && box.dataset.areaGroupField) { groupArea(map, box); }
  });
})();
