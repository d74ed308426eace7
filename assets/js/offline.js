/* Register the service worker (assets/js/sw.js, served at /sw.js) so the site can be installed
 * and the signed-in home page read offline. Pages work the same without it. */
if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {})
  })
}
