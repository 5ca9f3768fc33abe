package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
)

// check loads a content folder like the server does and prints every problem as
// path:line: message. It exits 0 when the folder is clean, 1 when it has problems,
// 2 on usage errors.
func check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(stderr, "usage: congkhai check DIR") }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "congkhai check: %s is not a folder\n", dir)
		return 2
	}
	d, err := content.OpenDir(dir)
	if err != nil {
		fmt.Fprintf(stderr, "congkhai check: %v\n", err)
		return 2
	}
	defer d.Close()
	site, problems := content.Load(ctx, d, nil)
	// The one-stop exports and the disclosure fields, as the accountability
	// pages read them.
	acc, err := portal.CheckAccountability(ctx, d, site, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "congkhai check: %v\n", err)
		return 2
	}
	problems = append(problems, acc...)
	errs, guesses := 0, 0
	for _, p := range problems {
		if p.Guess {
			guesses++
			continue
		}
		errs++
		fmt.Fprintf(stdout, "%s/%s\n", trimSlash(dir), p.String())
	}
	// What the table reader guessed is published as shown: listed after the
	// problems, to check, and not a failure.
	for _, p := range problems {
		if p.Guess {
			fmt.Fprintf(stdout, "%s/%s (guess)\n", trimSlash(dir), p.String())
		}
	}
	summary := fmt.Sprintf("%s, %s, %s, %s", count(len(site.Agencies), "agency", "agencies"),
		count(len(site.Notices), "notice", "notices"), count(len(site.Datasets), "dataset", "datasets"),
		count(errs, "problem", "problems"))
	if guesses > 0 {
		summary += ", " + count(guesses, "guess", "guesses") + " to check"
	}
	fmt.Fprintln(stderr, summary)
	if errs > 0 {
		return 1
	}
	return 0
}

func trimSlash(s string) string {
	for len(s) > 1 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// count writes n with the noun in agreement: "1 problem", "2 problems", "0 problems".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
