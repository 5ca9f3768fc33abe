// shacl.mjs validates an RDF file against SHACL shape files and prints the
// results as JSON: node shacl.mjs DATA.(ttl|jsonld|rdf) SHAPES.ttl...
// The JSON-LD is read with a document loader that refuses the network.
import fs from 'node:fs'
import rdf from '@zazuko/env-node'
import SHACLValidator from 'rdf-validate-shacl'
import { Parser as N3Parser } from 'n3'
import jsonld from 'jsonld'
import { RdfXmlParser } from 'rdfxml-streaming-parser'

const offline = async (url) => { throw new Error(`network refused: ${url}`) }

export async function load (file, text = fs.readFileSync(file, 'utf8')) {
  const ds = rdf.dataset()
  if (file.endsWith('.jsonld')) {
    const nq = await jsonld.toRDF(JSON.parse(text), { format: 'application/n-quads', documentLoader: offline, safe: true })
    for (const q of new N3Parser({ format: 'N-Quads', factory: rdf }).parse(nq)) ds.add(q)
  } else if (file.endsWith('.rdf')) {
    await new Promise((resolve, reject) => {
      const p = new RdfXmlParser({ dataFactory: rdf })
      p.on('data', q => ds.add(q)).on('error', reject).on('end', resolve)
      p.write(text)
      p.end()
    })
  } else {
    for (const q of new N3Parser({ factory: rdf }).parse(text)) ds.add(q)
  }
  return ds
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [data, ...shapeFiles] = process.argv.slice(2)
  const shapes = rdf.dataset()
  for (const f of shapeFiles) for (const q of (await load(f))) shapes.add(q)
  const ds = await load(data)
  const report = await new SHACLValidator(shapes, { factory: rdf, importGraph: () => rdf.dataset() }).validate(ds)
  const short = t => t ? t.value : null
  console.log(JSON.stringify({
    triples: ds.size,
    conforms: report.conforms,
    results: report.results.map(r => ({
      severity: short(r.severity).replace('http://www.w3.org/ns/shacl#', ''),
      message: r.message.map(m => m.value).join('; '),
      focus: short(r.focusNode),
      path: short(r.path),
      value: short(r.value),
      component: short(r.sourceConstraintComponent),
      shape: short(r.sourceShape)
    }))
  }, null, 1))
}
