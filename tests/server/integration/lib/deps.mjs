// The stock npm packages the integration tests drive, imported from tests/js/node_modules by
// path (the same files their bare-specifier imports resolve to, so there is one Yjs instance).
export * as Y from '../../../js/node_modules/yjs/dist/yjs.mjs'
export { WebsocketProvider } from '../../../js/node_modules/y-websocket/src/y-websocket.js'
export { default as WebSocket } from '../../../js/node_modules/ws/wrapper.mjs'
export * as encoding from '../../../js/node_modules/lib0/encoding.js'
export * as decoding from '../../../js/node_modules/lib0/decoding.js'
export * as awarenessProtocol from '../../../js/node_modules/y-protocols/awareness.js'
export * as syncProtocol from '../../../js/node_modules/y-protocols/sync.js'
