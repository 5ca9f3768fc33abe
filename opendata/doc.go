// Package opendata turns the portal's snapshot types into the formats that
// data portals, harvesters, search engines and analysts read without custom
// code:
//
//   - CKAN's Action API 3 dictionaries (packages, resources, organizations,
//     groups, tags) and the DataStore's fields and records ([Catalog],
//     [Catalog.Package], [Search], [Datastore]);
//   - DCAT-AP 3 graphs of the catalog and of each dataset, written as Turtle,
//     JSON-LD or RDF/XML ([Catalog.CatalogGraph], [Catalog.DatasetGraph],
//     [Graph]);
//   - schema.org Dataset and GovernmentOrganization JSON-LD for pages
//     ([SchemaDataset], [SchemaAgency]);
//   - Frictionless Data Package v2 descriptors whose table schemas match the
//     portal's CSV downloads ([DataPackage]).
//
// It is a translation layer like the server's feeds: it imports content (and
// calendar) and sits beside the server rather than being a leaf; it does no
// I/O of its own beyond reading table rows through content.Table. The server
// builds one [Catalog] per snapshot and public address, with the time each
// dataset's metadata last changed, and serves what the encoders write.
//
// # Identifiers
//
// Every package, resource, organization, group and tag has a UUID (version 5,
// RFC 9562) derived from the site's host name and the content path, so a
// restart, a rebuild or another replica never changes it, and two portals
// harvested into one national CKAN never share one. Package names are the
// content path with "/" written "--" (slugs never hold two hyphens in a row),
// which keeps them unique on the site and within CKAN's pattern
// ^[a-z0-9_-]{2,100}$.
package opendata
