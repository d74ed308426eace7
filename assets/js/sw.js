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

/* ---- 2. Offline pages (news app: docs/home.md) ----------------------------------------------
 * - The shell cache holds the offline page and static files (CSS, JS, icons): nothing personal.
 * - The personal cache holds only pages the server marks "X-Pocket-Council-Offline: personal"
 *   (the signed-in resident's home page), so they can read it without signal. Pages without
 *   the mark are never stored, so nothing is kept for a signed-out visitor.
 * - Signing out (a request to /accounts/logout/) or a home page that comes back unmarked
 *   (signed out elsewhere, or another person signed in) empties the personal cache. */

var PC_SHELL_CACHE = 'pc-shell-v1'
var PC_PERSONAL_CACHE = 'pc-personal-v1'
var PC_OFFLINE_URL = '/offline/'
var PC_HOME_URL = '/'
var PC_OFFLINE_MARK = 'X-Pocket-Council-Offline'

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(PC_SHELL_CACHE).then(function (cache) {
      return cache.addAll([PC_OFFLINE_URL, '/manifest.webmanifest'])
    }).then(function () { return self.skipWaiting() })
  )
})

self.addEventListener('activate', function (event) {
  var keep = [PC_SHELL_CACHE, PC_PERSONAL_CACHE]
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf('pc-') === 0 && keep.indexOf(name) === -1
      }).map(function (name) { return caches.delete(name) }))
    }).then(function () { return self.clients.claim() })
  )
})

function pcForgetPersonal () {
  return caches.delete(PC_PERSONAL_CACHE)
}

function pcPage (request) {
  var url = new URL(request.url)
  var isHome = url.pathname === PC_HOME_URL
  return fetch(request).then(function (response) {
    var mark = response.headers.get(PC_OFFLINE_MARK)
    if (isHome && response.ok && mark === 'personal') {
      var copy = response.clone()
      caches.open(PC_PERSONAL_CACHE).then(function (cache) { cache.put(PC_HOME_URL, copy) })
    } else if (isHome && response.ok) {
      pcForgetPersonal()
    }
    return response
  }).catch(function () {
    var saved = isHome ? caches.open(PC_PERSONAL_CACHE).then(function (cache) { return cache.match(PC_HOME_URL) }) : Promise.resolve(undefined)
    return saved.then(function (page) {
      return page || caches.match(PC_OFFLINE_URL, { cacheName: PC_SHELL_CACHE })
    })
  })
}

function pcStatic (request) {
  return caches.open(PC_SHELL_CACHE).then(function (cache) {
    return cache.match(request).then(function (saved) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()) }
        return response
      }).catch(function () { return saved })
      return saved || fresh
    })
  })
}

self.addEventListener('fetch', function (event) {
  var request = event.request
  var url = new URL(request.url)
  if (url.origin !== self.location.origin) { return }
  if (url.pathname.indexOf('/accounts/logout') === 0) {
    event.waitUntil(pcForgetPersonal())
    return
  }
  if (request.method !== 'GET') { return }
  if (request.mode === 'navigate') {
    event.respondWith(pcPage(request))
  } else if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(pcStatic(request))
  }
})
