// jsonld.mjs expands JSON-LD documents offline: node jsonld.mjs FILE...
// The document loader refuses the network and serves the contexts vendored
// in testdata/contexts (https://schema.org and its spellings). Prints the
// expanded documents as a JSON array.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import jsonld from 'jsonld'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'contexts')
const contexts = {}
for (const u of ['https://schema.org', 'https://schema.org/', 'http://schema.org', 'http://schema.org/']) {
  contexts[u] = JSON.parse(fs.readFileSync(path.join(dir, 'schema.org.jsonld'), 'utf8'))
}
const loader = async (url) => {
  if (contexts[url]) return { contextUrl: null, documentUrl: url, document: contexts[url] }
  throw new Error(`network refused: ${url}`)
}
const out = []
for (const f of process.argv.slice(2)) {
  out.push(await jsonld.expand(JSON.parse(fs.readFileSync(f, 'utf8')), { documentLoader: loader, safe: true }))
}
console.log(JSON.stringify(out))
