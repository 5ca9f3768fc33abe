// Package server translates HTTP into calls on the portal and results into pages,
// feeds and JSON. Every route is declared in routes.go; errors become responses in
// one place (errors.go); request limits, HEAD and safe redirects are in limits.go.
// Agencies publish through the staff console (console*.go) and the publishing
// API (api_publish.go), which share console_core.go; the public record of every
// item — history, diffs, 410 for a withdrawn item, a dataset as in force on a
// date — is in history.go.
package server
