// datapackage.mjs validates Data Package descriptors with the Frictionless
// JavaScript library (datapackage-js): the descriptor against its profile,
// then every row of every resource cast to its Table Schema, headers
// matching the fields. Prints JSON: node datapackage.mjs URL...
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { Package } = require('datapackage')

const out = []
for (const url of process.argv.slice(2)) {
  const r = { url, valid: false, errors: [], resources: [] }
  try {
    const dp = await Package.load(url, { strict: true })
    r.valid = dp.valid
    r.errors = dp.errors.map(e => e.message)
    for (const res of dp.resources) {
      const rr = { name: res.name, tabular: res.tabular, rows: 0, errors: [] }
      try {
        const table = await res.table
        const rows = await table.read({ cast: true, keyed: false })
        rr.rows = rows.length
        rr.headers = table.headers
        const names = res.descriptor.schema.fields.map(f => f.name)
        if (JSON.stringify(table.headers) !== JSON.stringify(names)) rr.errors.push(`headers ${JSON.stringify(table.headers)} != fields ${JSON.stringify(names)}`)
      } catch (e) {
        rr.errors.push(String(e.message || e) + (e.errors ? ': ' + e.errors.map(x => x.message).join('; ') : ''))
      }
      r.resources.push(rr)
    }
  } catch (e) {
    r.errors.push(String(e.message || e) + (e.errors ? ': ' + e.errors.map(x => x.message).join('; ') : ''))
  }
  out.push(r)
}
console.log(JSON.stringify(out, null, 1))
