// Package server translates HTTP into calls on the portal and results into pages,
// feeds and JSON. Every route is declared in routes.go; errors become responses in
// one place (errors.go); request limits, HEAD and safe redirects are in limits.go.
package server
