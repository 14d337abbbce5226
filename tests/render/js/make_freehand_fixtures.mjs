// Writes tests/render/fixtures/freehand.txt: outlines computed by the real perfect-freehand
// package (the one the client draws with) for a spread of inputs and options, so the C++
// port can be checked point by point. Deterministic (seeded PRNG; the seed is printed).
// Usage: node tests/render/js/make_freehand_fixtures.mjs
import { getStroke } from 'perfect-freehand'
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const seed = 20261125
console.log(`seed ${seed}`)
let s = seed
const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)

const inputs = {
  dot: [[10, 10, 0.5]],
  two: [[0, 0, 0.5], [40, 10, 0.5]],
  line: Array.from({ length: 20 }, (_, i) => [i * 5, i * 2, 0.5]),
  zigzag: Array.from({ length: 24 }, (_, i) => [i * 6, i % 4 < 2 ? 0 : 30, 0.5]),
  hairpin: [...Array.from({ length: 12 }, (_, i) => [i * 8, 0]), ...Array.from({ length: 12 }, (_, i) => [88 - i * 8, 6])],
  spiral: Array.from({ length: 80 }, (_, i) => [Math.cos(i / 6) * i, Math.sin(i / 6) * i, 0.3 + 0.5 * Math.abs(Math.sin(i / 9))]),
  walk: (() => { let x = 0, y = 0; return Array.from({ length: 120 }, () => [(x += rand() * 8 - 2), (y += rand() * 8 - 4), rand()]) })(),
  nopressure: Array.from({ length: 30 }, (_, i) => [i * 3, Math.sin(i / 3) * 20]),
}
const options = {
  defaults: {},
  thin: { size: 4, last: true },
  real_pressure: { size: 8, simulatePressure: false, last: true },
  no_thinning: { size: 10, thinning: 0 },
  tapered: { size: 12, start: { taper: 30 }, end: { taper: 40 } },
  flat_caps: { size: 14, start: { cap: false }, end: { cap: false }, last: true },
  streamline: { size: 6, streamline: 0.2, smoothing: 0.8, thinning: 0.7 },
}

let out = ''
for (const [oname, o] of Object.entries(options)) {
  for (const [iname, pts] of Object.entries(inputs)) {
    const stroke = getStroke(pts, o)
    const v = (x, d) => (x === undefined ? d : x)
    out += `case ${iname}/${oname}\n`
    out += `opt ${v(o.size, 16)} ${v(o.thinning, 0.5)} ${v(o.smoothing, 0.5)} ${v(o.streamline, 0.5)} ` +
      `${v(o.simulatePressure, true) ? 1 : 0} ${v(o.start?.cap, true) ? 1 : 0} ${v(o.end?.cap, true) ? 1 : 0} ` +
      `${v(o.start?.taper, 0)} ${v(o.end?.taper, 0)} ${o.last ? 1 : 0}\n`
    out += `in ${pts.length}\n`
    for (const p of pts) out += `${p[0]} ${p[1]} ${p.length > 2 ? p[2] : -1}\n`
    out += `out ${stroke.length}\n`
    for (const p of stroke) out += `${p[0]} ${p[1]}\n`
  }
}
const here = dirname(fileURLToPath(import.meta.url))
mkdirSync(join(here, '..', 'fixtures'), { recursive: true })
writeFileSync(join(here, '..', 'fixtures', 'freehand.txt'), out)
console.log('wrote fixtures/freehand.txt')
