// Package browser holds the browser tests: the real binary serves the demo, Debian's
// chromium (driven over the DevTools protocol) loads pages, and axe-core checks them
// against WCAG 2.1 AA. Run `npm ci` in this folder first (CI does); without chromium
// or axe-core the tests skip, except under CI=true where they fail.
package browser
