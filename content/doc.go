// Package content loads a congkhai content folder (docs/content.md) into a Site: the
// portal's configuration, its agencies, their notices and datasets, and the other
// files published with them.
//
// Load reads a folder through an fs.FS and always returns a complete, consistent
// snapshot together with every problem it found, each naming a file and a line,
// its message a msg.Text (Problem.String in English, Problem.In in Vietnamese or
// English). A
// file whose problem prevents it from loading keeps its last good version when the
// previous Site is passed in, so a typo in one notice never takes the notice
// offline; its body, rendered on demand by Notice.Body, keeps to that version as
// far as the portal can (see Notice.Body). Load reuses the parsed form of files
// whose bytes are unchanged, and the scan of tables whose size, modification time
// and hash are unchanged, so a reload after a one-file edit is cheap even with
// large tables.
//
// Tables (CSV and XLSX) are never held in memory: Load scans each once to count rows,
// infer column types and report malformed rows, and Table.Rows and Table.Each read
// them from the folder on demand. RenderMarkdown renders a markdown body the way Load
// does. Watch reports changes in a folder on disk, debounced, for a loader to call Load
// again.
//
// Load never follows a symbolic link: each is reported as a problem and nothing
// below it is listed. OpenDir opens a content folder on disk as a file system
// (Dir) that refuses links at every read, so that a file replaced by a link after
// a load is not followed by a page, a download or a table either.
//
// Single items, for a console that writes the folder: EncodeNotice and
// EncodeDataset write the documented file from a draft (deterministic, quoted
// where YAML needs it), DecodeNotice and DecodeDataset read one back into a
// draft, ParseItem loads one notice or dataset from its files held in memory
// with the loader's own parsing and checks (for a preview, a check before
// writing, a version of the record), and WriteItem writes an item's files into
// the folder atomically, never through a link; CleanTemp removes what a crash
// during a write left.
//
// Fold and Slugify are the Vietnamese text folding used for slugs, heading anchors and
// category names; the search package folds the same way.
package content
