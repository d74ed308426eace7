// The report map: drop a pin instead of typing a postcode. Progressive enhancement only: the
// form works without it, and the typed postcode and description stay an equal path.
(function () {
  "use strict";
  var container = document.querySelector('[data-module="pc-location-map"]');
  if (!container || !window.L) return;
  var canvas = container.querySelector(".pc-map__canvas");
  var form = container.closest("form");
  var lat = form.querySelector('input[name="latitude"]');
  var lon = form.querySelector('input[name="longitude"]');
  var tiles = container.getAttribute("data-tiles");
  if (!canvas || !lat || !lon || !tiles) return;

  container.hidden = false;
  if (window.pcMapIcons) window.pcMapIcons(container);
  var start = [parseFloat(container.getAttribute("data-lat")) || 51.752,
               parseFloat(container.getAttribute("data-lon")) || -1.2577];
  var map = L.map(canvas, { keyboard: true }).setView(start, 15);
  L.tileLayer(tiles, {
    maxZoom: 19,
    attribution: container.getAttribute("data-attribution") || ""
  }).addTo(map);
  var status = container.querySelector(".pc-map__status");
  var marker = null;

  function place(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) {
      marker.setLatLng(latlng);
    } else {
      marker = L.marker(latlng, { draggable: true, keyboard: true, title: "Pin" }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng()); });
    }
    if (status) {
      status.textContent = status.getAttribute("data-placed");
    }
  }

  if (lat.value && lon.value) {
    place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)));
    map.setView(marker.getLatLng(), 17);
  }
  map.on("click", function (event) { place(event.latlng); });

  var locate = container.querySelector(".pc-map__locate");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var here = L.latLng(position.coords.latitude, position.coords.longitude);
        map.setView(here, 17);
        place(here);
      });
    });
  }
})();
