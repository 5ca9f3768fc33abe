// Command congkhai runs the public transparency portal.
//
//	congkhai serve [flags]     serve the portal (the bundled demo when --content is not given)
//	congkhai check DIR         validate a content folder (messages in Vietnamese; --lang en: English); exit 1 when it has problems
//	congkhai index [--rebuild] build the search index offline
//	congkhai staff add|list|disable  manage staff accounts of the feedback console
//	congkhai publish --path A/S ...  record a version of a notice or dataset (every portal applies it)
//	congkhai health            exit 0 when a running portal answers /healthz (for containers)
//	congkhai version           print the version
//
// Every flag can also be set with an environment variable CONGKHAI_<NAME>
// (for example CONGKHAI_ADDR, CONGKHAI_DATA); a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even on machines without a zone database
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `congkhai: the public transparency portal

Usage:
  congkhai serve [flags]   serve the portal (bundled demo content unless --content is given)
  congkhai check [--lang en] DIR
                           check a content folder and print every problem as path:line: message
                           (in Vietnamese; --lang en: in English)
  congkhai index --rebuild rebuild the search index offline (the portal must be stopped)
  congkhai staff add|list|disable  manage staff accounts (run "congkhai staff -h")
  congkhai publish --path AGENCY/SLUG --from DIR|--file NAME=LOCAL [--reason TEXT]
                           record a version on the publishing record (run "congkhai publish -h")
  congkhai health          exit 0 when a running portal answers /healthz
  congkhai version         print the version

Run "congkhai serve -h" for the flags. Each flag may also be given as an
environment variable CONGKHAI_<NAME>, e.g. CONGKHAI_ADDR=0.0.0.0:8080.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "check":
		return check(ctx, args[1:], stdout, stderr)
	case "index":
		err = index(ctx, args[1:], stdout, stderr)
	case "staff":
		err = staff(ctx, args[1:], os.Stdin, stdout, stderr)
	case "publish":
		err = publishCmd(ctx, args[1:], stdout, stderr)
	case "health":
		return health(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "congkhai", versionString())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "congkhai: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "congkhai:", err)
		return 1
	}
	return 0
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if rev != "" {
			if len(rev) > 12 {
				rev = rev[:12]
			}
			if dirty {
				rev += "-dirty"
			}
			return "dev-" + rev
		}
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
	}
	return "dev"
}

// envDefaults sets every flag not given on the command line from CONGKHAI_<NAME>.
func envDefaults(fs *flag.FlagSet, getenv func(string) string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil {
			return
		}
		key := "CONGKHAI_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(key); v != "" {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s=%q: %w", key, v, e)
			}
		}
	})
	return err
}
