// One shared document: Y.Doc + WebSocket provider (stock y-websocket against /sync) +
// IndexedDB persistence, with a connection state the header shows. Going offline (browser
// event) disconnects on purpose so edits stay local until the network is back.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { IndexeddbPersistence } from 'y-indexeddb'

export function wsBase () {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/sync'
}

export class SharedDoc {
  constructor (name, token, user) {
    this.name = name
    this.doc = new Y.Doc()
    this.listeners = new Set()
    this.status = 'connecting'
    this.synced = false
    this.localLoaded = false
    this.denied = null
    this.idb = new IndexeddbPersistence('tandem:' + name, this.doc)
    this.idb.whenSynced.then(() => { this.localLoaded = true; this.emit() }).catch(() => {})
    this.provider = new WebsocketProvider(wsBase(), name, this.doc, {
      params: { token },
      connect: navigator.onLine !== false,
      maxBackoffTime: 2500
    })
    this.awareness = this.provider.awareness
    this.awareness.setLocalStateField('user', user)
    this.provider.on('status', e => { this.status = e.status; this.emit() })
    this.provider.on('sync', s => { this.synced = s; this.emit() })
    this.provider.on('connection-close', e => {
      // 4401/4403 or a refused upgrade: the token does not open this document.
      // No point retrying with the same token: stop reconnecting (edits stay in IndexedDB).
      if (e && (e.code === 4401 || e.code === 4403 || e.code === 1008)) {
        this.denied = e.reason || 'access denied'
        this.provider.disconnect()
      }
      this.emit()
    })
  }

  /** Calls fn() once the document is known (from the server or from this device). */
  whenReady (fn) {
    let done = false
    const check = () => { if (!done && (this.synced || (this.localLoaded && this.status !== 'connected'))) { done = true; fn() } }
    this.onChange(check); check()
  }

  onChange (fn) { this.listeners.add(fn); return () => this.listeners.delete(fn) }
  emit () { for (const fn of this.listeners) fn(this) }

  goOffline () { this.provider.disconnect(); this.status = 'disconnected'; this.emit() }
  goOnline () { this.provider.connect() }

  destroy () {
    this.listeners.clear()
    this.provider.destroy()
    this.idb.destroy()
    this.doc.destroy()
  }
}
