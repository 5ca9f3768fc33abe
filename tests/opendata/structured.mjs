// structured.mjs tests pages' structured data with structured-data-testing-tool:
// node structured.mjs FILE.html... Each page must hold a schema.org Dataset in
// JSON-LD with the properties Google Dataset Search reads (the preset below
// lists them). Prints JSON: per page, the tests passed and failed.
import fs from 'node:fs'
import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { structuredDataTest } = require('structured-data-testing-tool')

const required = ['name', 'description', 'url', 'identifier', 'keywords', 'license', 'creator.name', 'publisher.name',
  'datePublished', 'dateModified', 'inLanguage', 'spatialCoverage', 'includedInDataCatalog.name',
  'distribution[0].contentUrl', 'distribution[0].encodingFormat', 'distribution[0].contentSize']
const DatasetSearch = {
  name: 'Dataset Search',
  description: 'The properties of a schema.org Dataset that Google Dataset Search reads',
  tests: required.map(p => ({ test: `Dataset[0].${p}`, type: 'jsonld', description: p })).concat([
    { test: "length(Dataset[0].description) >= `50` && length(Dataset[0].description) <= `5000` && 'ok' || 'out of range'", type: 'jsonld', expect: 'ok', description: 'description of 50 to 5,000 characters' },
    { test: 'Dataset[0].distribution[0]."@type"', type: 'jsonld', expect: 'DataDownload', description: 'distributions are DataDownload' },
    { test: 'Dataset[0].includedInDataCatalog."@type"', type: 'jsonld', expect: 'DataCatalog', description: 'the catalog is a DataCatalog' }
  ])
}

const out = []
for (const f of process.argv.slice(2)) {
  const html = fs.readFileSync(f)
  let res
  try {
    res = await structuredDataTest(html, { schemas: ['jsonld:Dataset'], presets: [DatasetSearch] })
  } catch (err) {
    if (err.type !== 'VALIDATION_FAILED') throw err
    res = err.res
  }
  out.push({
    file: f,
    schemas: res.schemas,
    passed: res.passed.length,
    failed: res.failed.map(t => `${t.description || t.test}: ${t.error ? t.error.message : ''}`),
    warnings: res.warnings.length
  })
}
console.log(JSON.stringify(out, null, 1))
