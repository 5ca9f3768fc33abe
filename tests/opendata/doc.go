// Package opendata tests the portal's open data end to end, against the real
// binary: a replay of the CKAN harvester of ckanext-harvest over a thousand
// generated datasets, the npm CKAN client, the DCAT-AP 3.0.1 SHACL shapes
// (rdf-validate-shacl), Debian's rapper, offline JSON-LD expansion, the
// Frictionless Data Package validator and a structured-data test of the
// dataset pages, and chromium for the pages' Content-Security-Policy.
//
// The validators come from npm: run `npm ci` in this folder. Tests that need
// node, its modules, rapper or chromium skip when one is missing, except
// under CI=true, where they fail.
package opendata
