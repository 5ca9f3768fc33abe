// ckan-client.mjs reads a portal through the CKAN JavaScript client (npm
// "ckan"), as an analyst's tool would: node ckan-client.mjs BASE_URL
// Prints JSON: the first page of package_search, the first package read
// again with package_show, and the first rows of its first table through
// the client's DataStore query.
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const CKAN = require('ckan')

const client = new CKAN.Client(process.argv[2])
const call = (name, data) => new Promise((resolve, reject) =>
  client.action(name, data, (err, out) => err ? reject(new Error(String(err))) : resolve(out)))
const query = (q) => new Promise((resolve, reject) =>
  client.datastoreQuery(q, (err, out) => err ? reject(new Error(JSON.stringify(err))) : resolve(out)))

const search = await call('package_search', { rows: 5, sort: 'id asc' })
const first = search.result.results[0]
const show = await call('package_show', { id: first.name })
const table = show.result.resources.find(r => r.datastore_active)
const rows = await query({ resource_id: table.id, size: 3, from: 1 })
console.log(JSON.stringify({ search: search.result, show: show.result, rows }))
