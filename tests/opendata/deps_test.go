package opendata

// The tests build and run the binary, which go test's cache cannot see: importing
// the packages it is made of ties the cached results to their sources (changes
// to cmd/congkhai alone still need -count=1).
import (
	_ "github.com/congkhai/congkhai/content"
	_ "github.com/congkhai/congkhai/demo"
	_ "github.com/congkhai/congkhai/feedback"
	_ "github.com/congkhai/congkhai/portal"
	_ "github.com/congkhai/congkhai/search"
	_ "github.com/congkhai/congkhai/server"
	_ "github.com/congkhai/congkhai/themes"
)

import _ "github.com/congkhai/congkhai/opendata"
