// Package portal is the application core. It holds the current snapshot of the
// content folder, replaces it atomically when the folder changes, and answers the
// questions pages ask (latest notices per category, an agency's notices, drafts open
// for comment). It knows nothing of HTTP.
//
// With a publishing record (Config.Publish, package publish), the portal also
// publishes through the record (Publish, ApproveDraft), records the hand edits
// of its content folder, applies to its folder the versions other replicas
// record, and answers what history pages need (History, VersionItem, Diff,
// ItemAt, Snapshot.Record, Snapshot.Tombstone): see record.go.
//
// The accountability pages' figures (Accountability: the agencies' one-stop
// exports read by package dossier, their indicators, satisfaction results and
// disclosure obligations) are built in the background after every content
// change and every day: see accountability.go.
package portal
