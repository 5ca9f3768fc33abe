package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/msg"
	"github.com/congkhai/congkhai/portal"
)

// check loads a content folder like the server does and prints every problem as
// path:line: message, in Vietnamese unless --lang en (or CONGKHAI_LANG=en). It
// exits 0 when the folder is clean, 1 when it has problems, 2 on usage errors.
func check(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := langFlag(msg.VI)
	fs.Var(&lang, "lang", "language of the messages: vi (Vietnamese) or en (English)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: congkhai check [--lang vi|en] DIR")
		fs.PrintDefaults()
	}
	// Flags may come before or after the folder: congkhai check ./site --lang en.
	var dirs []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		dirs, rest = append(dirs, fs.Arg(0)), fs.Args()[1:]
	}
	if err := envDefaults(fs, os.Getenv); err != nil {
		fmt.Fprintf(stderr, "congkhai check: %v\n", err)
		return 2
	}
	l := string(lang)
	if len(dirs) != 1 {
		fs.Usage()
		return 2
	}
	dir := dirs[0]
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		fmt.Fprintln(stderr, "congkhai check: "+msg.New("%s is not a folder", dir).In(l))
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
		fmt.Fprintf(stdout, "%s/%s\n", trimSlash(dir), p.In(l))
	}
	// What the table reader guessed is published as shown: listed after the
	// problems, to check, and not a failure.
	for _, p := range problems {
		if p.Guess {
			fmt.Fprintf(stdout, "%s/%s %s\n", trimSlash(dir), p.In(l), msg.New("(guess)").In(l))
		}
	}
	summary := fmt.Sprintf("%s, %s, %s, %s", msg.Count(l, len(site.Agencies), "cơ quan", "agency", "agencies"),
		msg.Count(l, len(site.Notices), "văn bản", "notice", "notices"), msg.Count(l, len(site.Datasets), "bộ dữ liệu", "dataset", "datasets"),
		msg.Count(l, errs, "lỗi", "problem", "problems"))
	if guesses > 0 {
		summary += ", " + msg.New("%s to check", msg.Count(l, guesses, "điểm đoán", "guess", "guesses")).In(l)
	}
	fmt.Fprintln(stderr, summary)
	if errs > 0 {
		return 1
	}
	return 0
}

// langFlag is the language of check's messages: msg.VI or msg.EN.
type langFlag string

func (f *langFlag) String() string { return string(*f) }

func (f *langFlag) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "vi":
		*f = msg.VI
	case "en":
		*f = msg.EN
	default:
		return fmt.Errorf("%q: write vi (Vietnamese) or en (English)", s)
	}
	return nil
}

func trimSlash(s string) string {
	for len(s) > 1 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}
