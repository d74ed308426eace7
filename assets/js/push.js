// Turn Web Push notifications on or off for this device. Progressive enhancement: the block
// in notify/includes/push_button.html stays hidden unless this browser can do push. What it
// says comes from that block's data-text-* attributes, so it is in the page's language.
function urlBase64ToUint8Array (base64) {
  const padding = '='.repeat((4 - (base64.length % 4)) % 4)
  const raw = atob((base64 + padding).replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from([...raw].map((c) => c.charCodeAt(0)))
}

function csrfToken () {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/)
  if (match) return decodeURIComponent(match[1])
  const input = document.querySelector('input[name=csrfmiddlewaretoken]')
  return input ? input.value : ''
}

async function send (endpointUrl, body) {
  const response = await fetch(endpointUrl, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
    body: JSON.stringify(body)
  })
  if (!response.ok) throw new Error('The server did not accept the subscription')
}

async function setUp (block) {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return
  }
  const status = block.querySelector('[data-pc-push-status]')
  const on = block.querySelector('[data-pc-push-on]')
  const off = block.querySelector('[data-pc-push-off]')
  const registration = await navigator.serviceWorker.register(block.dataset.sw, { scope: '/' })
  const show = (subscribed) => {
    on.hidden = subscribed
    off.hidden = !subscribed
  }
  show(Boolean(await registration.pushManager.getSubscription()))
  block.hidden = false

  on.addEventListener('click', async () => {
    try {
      const permission = await Notification.requestPermission()
      if (permission !== 'granted') {
        status.textContent = block.dataset.textBlocked
        return
      }
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: urlBase64ToUint8Array(block.dataset.vapidKey)
      })
      await send(block.dataset.endpoint, subscription.toJSON())
      status.textContent = block.dataset.textOn
      show(true)
    } catch (error) {
      status.textContent = block.dataset.textFailed
    }
  })

  off.addEventListener('click', async () => {
    const subscription = await registration.pushManager.getSubscription()
    if (subscription) {
      await send(block.dataset.endpoint, { endpoint: subscription.endpoint, unsubscribe: true })
      await subscription.unsubscribe()
    }
    status.textContent = block.dataset.textOff
    show(false)
  })
}

document.querySelectorAll('[data-pc-push]').forEach((block) => { setUp(block) })
