// Leaflet finds its marker images by reading a file name out of its stylesheet, which fails
// once static files have hashed names. Each map container names its icons instead
// (data-icon, data-icon-2x, data-icon-shadow); the map scripts call this before drawing.
window.pcMapIcons = function (container) {
  "use strict";
  var icon = container.getAttribute("data-icon");
  if (!icon || !window.L) return;
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions({
    iconUrl: icon,
    iconRetinaUrl: container.getAttribute("data-icon-2x"),
    shadowUrl: container.getAttribute("data-icon-shadow")
  });
};
