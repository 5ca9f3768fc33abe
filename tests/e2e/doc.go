// Package e2e starts the real congkhai binary on a free port and uses it as a
// visitor and a webmaster would: pages, downloads, live reload of the content
// folder, bad files, `congkhai check`, graceful shutdown.
package e2e
