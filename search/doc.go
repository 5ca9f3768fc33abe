// Package search is the portal's full-text index: a bleve index on disk with
// Vietnamese analysis, batch indexing, queries with filters and facets,
// highlighted snippets, "did you mean" corrections and title autocomplete.
//
// The package knows nothing of notices, datasets or tables: the caller maps
// its content into [Document] values and hands them to [Index.Apply]. The
// index is a rebuildable cache of that content: [OpenOrRebuild] throws away
// an index that cannot be opened or was built with an older mapping, and the
// caller re-indexes (keeping, if it likes, a manifest of content hashes with
// [Index.SetMeta] to make re-indexing incremental).
//
// # Vietnamese analysis
//
// A Vietnamese word is several syllables separated by spaces ("ngân sách"),
// and users type with or without diacritics, in NFC or NFD. Text is
// normalised to NFC and cleared of soft hyphens, then every text field is
// indexed twice: with [AnalyzerExact] (lower case, accents kept) and with
// [AnalyzerFold] (accents and đ folded away at token level, see [Fold], so
// highlight offsets still point into the original text). A query matches
// when every syllable matches in either form; the exact form and the title
// are boosted, and the whole sequence as a phrase in a title adds a bonus
// (only folded titles keep term positions; quoted phrases in bodies and
// exact titles are checked on the stored text), so that
//
//   - "đất" ranks texts with "đất" above texts with "Dat" (a name), and
//     "dat" finds both;
//   - "ngân sách" ranks titles with the adjacent phrase first and does not
//     match a text that only has "sách giáo khoa";
//   - document numbers are found as typed ("6733/UBND-KSTT", "12/qd-ubnd")
//     or as separate words ("6733 UBND KSTT").
//
// # Words as citizens type them
//
// Before a query is built its syllables are grouped into units
// (thesaurus.go): a number in any of its spellings ("4500", "4.500",
// "4 500"), a term of the [Thesaurus] with the other terms of its entries
// ("đền bù" ↔ "bồi thường", "QSDĐ" ↔ "quyền sử dụng đất"), a syllable
// with its tone mark on either vowel ("hoà"/"hòa"). The words of a question
// ("bao nhiêu", "mấy") and function words ("của", "khi") are dropped when
// other words remain; every other unit is required;
// it matches as typed or as an alternative, the alternatives weighing less.
// Words typed with accents match with them first; matches with other
// accents only when that finds nothing, marked [Result].Approximate; a
// search without hits, or with approximate or scattered ones, names the
// words that found nothing and offers queries that would work (deadend.go).
//
// The analyzers are registered with bleve's registry when this package is
// initialised; any binary that opens an index must import this package.
//
// # Query syntax
//
// [ParseQuery] accepts words, "quoted phrases" (required, adjacent), -word
// and -"phrase" (excluded) and field filters agency:slug, category:slug,
// year:2025, place:"Xã Tân Thịnh", kind:row (a leading - excludes the value).
// Several values of one filter are alternatives; different filters must all
// hold.
//
// # How a query runs
//
// A search has two parts: its match set (which documents match) and its
// ranking (which of them come first). The match set is computed exactly, as
// roaring bitmaps per segment read from the postings lists (matchset.go), so
// totals and facets never depend on how the page is ranked. The ranking is
// bleve's when the query's postings lists are short (Options.CostLimit): over
// the whole match set when it is small (Options.ExactLimit), else over the
// best candidates of the own ranking. A costlier query gets the own ranking
// alone: bleve's TF-IDF formula computed by this package from the postings
// within a budget (ownrank.go). Either way the best matches are then
// re-ordered by how their titles fit the query (titlefit.go): a part of the
// title that is the query, its words adjacent, a heading the query covers. Quoted and excluded phrases have no match set
// here and go to bleve's search (with phrase.go for the texts without
// positions).
//
// # Crashes and corruption
//
// Open reports ErrRebuild when bleve cannot open the folder (torn root.bolt,
// unreadable index_meta.json), when the stored MappingVersion differs, when
// a segment file is damaged, and when bleve silently fell back to an older
// snapshot because the newest one would not load (its segment files were
// torn or lost). A segment's CRC-32 is compared with its bytes before zap
// reads it (a damaged segment made searches fail, and some made zap
// allocate what a garbage length said, a fatal out of memory); a segment
// whose file did not change since it passed is not read again, unless the
// last process did not close the index (check.go). A fallback to an older
// snapshot is detected with a generation number written in every batch and
// mirrored in the file congkhai_generation next to the index.
// OpenOrRebuild only ever removes a folder that looks like a bleve index,
// and says why it did in [Index.Health].
//
// A panic in a search, in the goroutines it starts or in a suggestion is an
// error wrapping [ErrDamaged], not the end of the process; the index is
// then marked to be rebuilt at the next start (damage.go). bleve's
// internals that the match sets read are in internals.go; when an upgrade
// changes them, searches fall back to bleve's search, and Health counts
// them.
//
// Running text needs no spaces inserted around "/": the Unicode tokenizer
// already splits "người/km2" into two words, so the stored text (and the
// snippets) stay as written.
//
// # Concurrency
//
// An [Index] is safe for concurrent use by goroutines. Only one process may
// open a given directory: a second opener gets [ErrLocked] after
// Options.LockTimeout instead of waiting forever.
package search
