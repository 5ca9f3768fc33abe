// Package portal is the application core. It holds the current snapshot of the
// content folder, replaces it atomically when the folder changes, and answers the
// questions pages ask (latest notices per category, an agency's notices, drafts open
// for comment). It knows nothing of HTTP.
package portal
