package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"strings"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/publish"
)

const publishUsage = `Usage:
  congkhai publish --path AGENCY/SLUG [--action publish|correct|withdraw|restore] [--reason TEXT]
                   [--from FOLDER] [--file NAME=LOCAL]... [--base N] [--actor staff:ID]
                   [--content DIR] [--data DIR] [--db DSN]

Records a version of a notice or dataset on the publishing record, as the
console does: every running portal (serve) on the same database writes it
into its content folder within a second or two; one that is stopped does so
when it starts.

  --from FOLDER       a folder laid out like the content folder (a staging copy) that
                      holds the item: FOLDER/AGENCY/SLUG.md and the attachment files it
                      names, or everything under FOLDER/AGENCY/SLUG/ for a dataset
  --file NAME=LOCAL   a file of the item: NAME in the content folder (so-tai-chinh/gia/gia.csv),
                      LOCAL on this machine; repeat it; it adds to or replaces what --from gives
  --action            publish (a new item), correct, withdraw or restore; by default
                      publish when the record does not have the item, else correct
  --reason            why: required to correct, withdraw and restore
  --base N            the item's version the change was made from; by default the latest
                      (a change made from an older version is refused)
  --actor             who: staff:<account id>; by default "file" (an operator's files)
  --content DIR       the content folder the files are checked against (agencies, related
                      paths), as congkhai check checks them
  --data DIR, --db DSN  the portal's database, as serve takes them

Files, attachments included, must pass "congkhai check". Withdraw takes no files;
restore without files puts back the files withdrawn. The version number is printed.
Every flag may also be given as CONGKHAI_<NAME> (CONGKHAI_DB, CONGKHAI_CONTENT...).
`

// fileFlags collects --file NAME=LOCAL.
type fileFlags []string

func (f *fileFlags) String() string     { return strings.Join(*f, ",") }
func (f *fileFlags) Set(v string) error { *f = append(*f, v); return nil }

// publishCmd records a version on the publishing record.
func publishCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, publishUsage) }
	var data, db, dir, itemPath, action, reason, from, actor string
	var base int
	var files fileFlags
	dataFlags(fs, &data, &db)
	fs.StringVar(&dir, "content", "", "content folder the files are checked against")
	fs.StringVar(&itemPath, "path", "", "the item: agency/slug")
	fs.StringVar(&action, "action", "", "publish, correct, withdraw or restore (default: publish a new item, else correct)")
	fs.StringVar(&reason, "reason", "", "why (required to correct, withdraw and restore)")
	fs.StringVar(&from, "from", "", "a folder laid out like the content folder that holds the item's files")
	fs.Var(&files, "file", "NAME=LOCAL: a file of the item (repeat)")
	fs.IntVar(&base, "base", -1, "the item's version the change was made from (default: the latest)")
	fs.StringVar(&actor, "actor", publish.ActorFile, "who: staff:<id>, or file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("publish: unexpected argument %q", fs.Arg(0))
	}
	if err := envDefaults(fs, os.Getenv); err != nil {
		return err
	}
	if itemPath == "" {
		fmt.Fprint(stderr, publishUsage)
		return errors.New("publish: --path is required")
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sdb, err := openDB(ctx, db, data, log)
	if err != nil {
		return err
	}
	defer sdb.Close()
	st, err := publish.New(ctx, sdb, publish.WithLogger(log))
	if err != nil {
		return err
	}
	latest, err := st.Latest(ctx, itemPath)
	if err != nil && !errors.Is(err, publish.ErrNotFound) {
		return err
	}
	nv := publish.NewVersion{Path: itemPath, Action: publish.Action(action), Actor: actor, Reason: reason, CheckBase: true, Base: base}
	if latest != nil {
		nv.Kind = latest.Kind
		if base < 0 {
			nv.Base = latest.Number
		}
	} else if base < 0 {
		nv.Base = 0
	}
	if nv.Action == "" {
		nv.Action = publish.ActionPublish
		if latest != nil {
			nv.Action = publish.ActionCorrect
		}
	}
	item, err := itemFiles(itemPath, from, files)
	if err != nil {
		return err
	}
	switch {
	case nv.Action == publish.ActionWithdraw:
		if latest == nil {
			return fmt.Errorf("publish: %s is not on the record", itemPath)
		}
		if len(item) > 0 {
			return errors.New("publish: a withdrawal keeps the item's files: give none")
		}
	case nv.Action == publish.ActionRestore && len(item) == 0:
		if latest == nil {
			return fmt.Errorf("publish: %s is not on the record", itemPath)
		}
		nv.Files = latest.Files
	case len(item) == 0:
		return errors.New("publish: no files: give --from or --file")
	default:
		if dir == "" {
			return errors.New("publish: --content is required to check the files (the content folder of the portal)")
		}
		kind, err := checkItem(ctx, dir, itemPath, item, stderr)
		if err != nil {
			return err
		}
		nv.Kind = kind
		if nv.Files, err = st.PutFiles(ctx, item); err != nil {
			return err
		}
		if latest != nil && !latest.Withdrawn() && publish.Digest(nv.Files) == latest.Digest {
			fmt.Fprintf(stdout, "%s: unchanged, version %d\n", latest.Path, latest.Number)
			return nil
		}
	}
	v, created, err := st.Record(ctx, nv)
	if err != nil {
		return err
	}
	if !created {
		fmt.Fprintf(stdout, "%s: unchanged, version %d\n", v.Path, v.Number)
		return nil
	}
	fmt.Fprintf(stdout, "%s: version %d recorded (%s, id %d)\n", v.Path, v.Number, v.Action, v.ID)
	return nil
}

// checkItem loads the item from its files against the content folder dir and
// returns its kind; its problems are printed, and any that is not a guess
// refuses it.
func checkItem(ctx context.Context, dir, itemPath string, files map[string][]byte, stderr io.Writer) (publish.Kind, error) {
	d, err := content.OpenDir(dir)
	if err != nil {
		return "", fmt.Errorf("content folder: %w", err)
	}
	defer d.Close()
	site, _ := content.Load(ctx, d, nil)
	it, ps := content.ParseItem(itemPath, files, site)
	bad := it == nil
	for _, p := range ps {
		fmt.Fprintln(stderr, p.String())
		bad = bad || !p.Guess
	}
	if bad {
		return "", fmt.Errorf("publish: %s does not pass the checks: nothing recorded", itemPath)
	}
	if it.Dataset != nil {
		return publish.Dataset, nil
	}
	return publish.Notice, nil
}

// itemFiles gathers the item's files from --from and --file.
func itemFiles(itemPath, from string, files fileFlags) (map[string][]byte, error) {
	out := map[string][]byte{}
	if from != "" {
		d, err := content.OpenDir(from)
		if err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
		defer d.Close()
		agency, _, _ := strings.Cut(itemPath, "/")
		if b, err := fs.ReadFile(d, itemPath+".md"); err == nil {
			out[itemPath+".md"] = b
			draft, _ := content.DecodeNotice(b)
			for _, a := range draft.Attachments {
				if a.File == "" {
					continue
				}
				name := path.Join(agency, a.File)
				if !strings.HasPrefix(name, agency+"/") {
					continue // ParseItem reports it
				}
				if b, err := fs.ReadFile(d, name); err == nil {
					out[name] = b
				}
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("--from: %w", err)
		} else {
			err := fs.WalkDir(d, itemPath, func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				name := e.Name()
				if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "~") {
					if e.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				if !e.Type().IsRegular() {
					return nil
				}
				b, err := fs.ReadFile(d, p)
				if err != nil {
					return err
				}
				out[p] = b
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("--from: %s is neither %s.md nor a dataset folder: %w", from, itemPath, err)
			}
		}
	}
	for _, f := range files {
		name, local, ok := strings.Cut(f, "=")
		if !ok || name == "" || local == "" {
			return nil, fmt.Errorf("--file %q: want NAME=LOCAL", f)
		}
		b, err := os.ReadFile(local)
		if err != nil {
			return nil, fmt.Errorf("--file: %w", err)
		}
		out[name] = b
	}
	return out, nil
}
