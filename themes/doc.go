// Package themes holds the portal's default theme (templates, static files and UI
// translations), embedded in the binary, and lets a site override any of its files
// from a folder on disk, file by file.
package themes
