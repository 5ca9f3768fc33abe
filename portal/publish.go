package portal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/publish"
)

// Change is a version of a notice or dataset to publish through the portal.
type Change struct {
	Path   string         // the item: "agency/slug"
	Action publish.Action // publish, correct, withdraw or restore
	Actor  string         // publish.StaffActor or publish.TokenActor (publish.ActorFile for an operator's command)
	Reason string         // required to correct, withdraw and restore
	// Files are the item's files, all of them (slash path in the content
	// folder → bytes): its markdown file (Path.md for a notice,
	// Path/index.md for a dataset) and every attachment, table or other file
	// it has; a file of the previous version left out is removed from the
	// folder. None to withdraw; none to restore the files withdrawn.
	Files map[string][]byte
	// Base is the item's latest version number when the change was made (0:
	// a new item). A change made from another version fails with a
	// *publish.ConflictError: someone published in between.
	Base int
}

// ContentError says that the files of a change do not pass the checks of
// `congkhai check` (content.ParseItem): the item is not published. Problems
// holds every problem, guesses included.
type ContentError struct {
	Path     string
	Problems []content.Problem
}

func (e *ContentError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "portal: %s cannot be published:", e.Path)
	for _, p := range e.Problems {
		if !p.Guess {
			b.WriteString("\n  " + p.String())
		}
	}
	return b.String()
}

// CheckItem loads an item from its files against the current snapshot
// (content.ParseItem): the preview of a change, and the check Publish makes.
// A records dataset's exports are read as the accountability pages read
// them (checkRecords).
func (p *Portal) CheckItem(path string, files map[string][]byte) (*content.Item, []content.Problem) {
	snap := p.Snapshot()
	it, ps := content.ParseItem(path, files, snap.Site)
	if it != nil && it.Dataset != nil && it.Dataset.Records() {
		ps = append(ps, checkRecords(&p.recordChecks, snap.Gen, snap.Site, it.Dataset, files)...)
	}
	return it, ps
}

// checkFiles returns the kind of the item the files make, or a *ContentError.
func (p *Portal) checkFiles(path string, files map[string][]byte) (publish.Kind, error) {
	it, ps := p.CheckItem(path, files)
	bad := it == nil
	for _, pr := range ps {
		bad = bad || !pr.Guess
	}
	if bad {
		return "", &ContentError{Path: path, Problems: ps}
	}
	if it.Dataset != nil {
		return publish.Dataset, nil
	}
	return publish.Notice, nil
}

// Publisher returns the record the portal publishes to (nil without one), for
// what the portal does not wrap: drafts, API tokens, blobs.
func (p *Portal) Publisher() *publish.Store { return p.cfg.Publish }

// Publish records a version of an item and writes it into the content
// folder: the files of a publication, correction or restoration are checked
// (a *ContentError when they do not pass), stored and recorded with the
// change's base (a *publish.ConflictError when the item changed since), then
// written atomically, the files the version dropped removed (all of them for
// a withdrawal, whose version keeps them on the record). It returns once the
// snapshot serves the change (the search index follows within a second);
// other replicas apply it from the record.
//
// Errors: ErrNoRecord; *ContentError; the record's (publish.ErrInvalid,
// ErrInvalidState, ErrNotFound, ErrConflict, ErrTooLarge, wrapped as
// publish returns them); an error writing the folder, after which the
// version is recorded and the folder is written again by the next round of
// Run (or the next start).
func (p *Portal) Publish(ctx context.Context, ch Change) (*publish.Version, error) {
	r := p.rec
	if r == nil {
		return nil, ErrNoRecord
	}
	nv := publish.NewVersion{Path: ch.Path, Action: ch.Action, Actor: ch.Actor, Reason: ch.Reason, CheckBase: true, Base: ch.Base}
	switch {
	case ch.Action == publish.ActionWithdraw && len(ch.Files) > 0:
		return nil, fmt.Errorf("%w: a withdrawal keeps the item's files: give none", publish.ErrInvalid)
	case len(ch.Files) == 0 && (ch.Action == publish.ActionWithdraw || ch.Action == publish.ActionRestore):
		latest, err := p.cfg.Publish.Latest(ctx, ch.Path)
		if err != nil {
			return nil, err
		}
		nv.Kind = latest.Kind
		if ch.Action == publish.ActionRestore {
			nv.Files = latest.Files
		}
	case len(ch.Files) == 0:
		return nil, fmt.Errorf("%w: %s: no files to %s", publish.ErrInvalid, ch.Path, ch.Action)
	default:
		kind, err := p.checkFiles(ch.Path, ch.Files)
		if err != nil {
			return nil, err
		}
		nv.Kind = kind
		if nv.Files, err = p.cfg.Publish.PutFiles(ctx, ch.Files); err != nil {
			return nil, err
		}
	}
	v, _, err := p.cfg.Publish.Record(ctx, nv)
	if err != nil {
		return nil, err
	}
	if err := r.apply(ctx, []publish.Version{*v}, 0); err != nil {
		return v, fmt.Errorf("portal: version %d of %s is recorded but not yet in the folder: %w", v.Number, v.Path, err)
	}
	return v, nil
}

// ApproveDraft approves a draft of the record (publish.Store.ApproveDraft)
// and writes its version into the content folder as Publish does, after
// checking its files as Publish does. Errors as Publish's and ApproveDraft's.
func (p *Portal) ApproveDraft(ctx context.Context, id int64, reviewer, note string) (*publish.Draft, *publish.Version, error) {
	r := p.rec
	if r == nil {
		return nil, nil, ErrNoRecord
	}
	st := p.cfg.Publish
	d, err := st.Draft(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if d.Action != publish.ActionWithdraw {
		files, err := p.blobs(ctx, d.Files)
		if err != nil {
			return nil, nil, err
		}
		if _, err := p.checkFiles(d.Path, files); err != nil {
			return nil, nil, err
		}
	}
	d, v, err := st.ApproveDraft(ctx, id, reviewer, note)
	if err != nil {
		return nil, nil, err
	}
	if err := r.apply(ctx, []publish.Version{*v}, 0); err != nil {
		return d, v, fmt.Errorf("portal: version %d of %s is recorded but not yet in the folder: %w", v.Number, v.Path, err)
	}
	return d, v, nil
}

// blobs reads the bytes of files from the record.
func (p *Portal) blobs(ctx context.Context, files []publish.File) (map[string][]byte, error) {
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := p.cfg.Publish.Blob(ctx, f.Hash)
		if err != nil {
			return nil, err
		}
		out[f.Name] = b
	}
	return out, nil
}

// ItemFiles returns the files of the item at path, to start a change from:
// those of its latest version on the record, with that version's number
// (the Change's Base); for an item the record does not have yet (the folder's
// first recording is under way), those the content folder holds, with base
// 0. It fails with publish.ErrNotFound when neither has the item.
func (p *Portal) ItemFiles(ctx context.Context, path string) (map[string][]byte, int, error) {
	if p.cfg.Publish != nil {
		v, err := p.cfg.Publish.Latest(ctx, path)
		if err == nil {
			files, err := p.blobs(ctx, v.Files)
			return files, v.Number, err
		}
		if !errors.Is(err, publish.ErrNotFound) {
			return nil, 0, err
		}
	}
	snap := p.Snapshot()
	var names []string
	if n, ok := snap.Site.Notice(path); ok {
		names = append(names, n.Source)
		for _, a := range n.Attachments {
			if a.Path != "" {
				names = append(names, a.Path)
			}
		}
	} else if d, ok := snap.Site.Dataset(path); ok {
		names = append(names, d.IndexSource)
		names = append(names, snap.folderFiles(path)...)
	} else {
		return nil, 0, fmt.Errorf("%w: item %s", publish.ErrNotFound, path)
	}
	files := map[string][]byte{}
	for _, name := range names {
		b, err := fs.ReadFile(p.cfg.Content, name)
		if err != nil {
			return nil, 0, fmt.Errorf("portal: read %s: %w", name, err)
		}
		files[name] = b
	}
	return files, 0, nil
}
