// The reports map (public reports page and staff queue): pins for the cases listed on the
// page (the list is the accessible, no-JavaScript version of the same information).
(function () {
  "use strict";
  var container = document.querySelector('[data-module="pc-reports-map"]');
  if (!container || !window.L) return;
  var source = container.getAttribute("data-source");
  var inline = container.getAttribute("data-inline");
  var tiles = container.getAttribute("data-tiles");
  if ((!source && !inline) || !tiles) return;
  container.hidden = false;
  if (window.pcMapIcons) window.pcMapIcons(container);
  var map = L.map(container.querySelector(".pc-map__canvas")).setView([51.752, -1.2577], 13);
  L.tileLayer(tiles, { maxZoom: 19, attribution: container.getAttribute("data-attribution") || "" })
    .addTo(map);
  // The staff queue puts its page of cases in the page itself; the public map fetches them.
  var loaded = inline
    ? Promise.resolve(JSON.parse(document.getElementById(inline).textContent))
    : fetch(source, { headers: { Accept: "application/geo+json" } })
        .then(function (response) { return response.json(); });
  loaded.then(function (data) {
      var layer = L.geoJSON(data, {
        onEachFeature: function (feature, marker) {
          var link = document.createElement("a");
          link.href = feature.properties.url;
          link.textContent = feature.properties.reference + ": " + feature.properties.service;
          var status = document.createElement("p");
          status.textContent = feature.properties.status;
          var box = document.createElement("div");
          box.appendChild(link);
          box.appendChild(status);
          marker.bindPopup(box);
        }
      }).addTo(map);
      if (data.features.length) map.fitBounds(layer.getBounds(), { maxZoom: 16 });
    });
})();
