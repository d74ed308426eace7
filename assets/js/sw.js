/* Pocket Council service worker, served at /sw.js so its scope is the whole site.
 *
 * One file for every service-worker job, each in its own section:
 *   1. Web Push notifications (notify app)
 *   2. Offline pages (to be added by the offline work, in its own section below)
 * Keep sections independent: each adds its own event listeners.
 */

/* ---- 1. Web Push notifications ------------------------------------------------------------
 * The server (pocketcouncil/notify/channels.py) sends JSON: {title, body, url, tag}. */

self.addEventListener('push', function (event) {
  var data = {}
  try {
    data = event.data ? event.data.json() : {}
  } catch (error) {
    data = { body: event.data ? event.data.text() : '' }
  }
  var title = data.title || 'Pocket Council'
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || '',
      tag: data.tag || undefined,
      icon: '/static/pocketcouncil/icon.svg',
      data: { url: data.url || '/notifications/' }
    })
  )
})

self.addEventListener('notificationclick', function (event) {
  event.notification.close()
  var url = (event.notification.data && event.notification.data.url) || '/notifications/'
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url.indexOf(url) !== -1 && 'focus' in windows[i]) {
          return windows[i].focus()
        }
      }
      return self.clients.openWindow(url)
    })
  )
})

/* ---- 2. Offline pages ---------------------------------------------------------------------
 * Not part of notifications. The offline work adds its install/activate/fetch listeners here. */
