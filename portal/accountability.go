package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/dossier"
	"github.com/congkhai/congkhai/msg"
)

// Accountability is what the accountability pages read: the dossiers of the
// agencies' one-stop exports (datasets of kind ho-so-tthc), their indicators
// on Day, the satisfaction results imported (kind hai-long), and how every
// agency met its disclosure obligations. It is built in the background after
// every content change (the exports are read again only when they changed)
// and every day; it is immutable.
type Accountability struct {
	// Version increases with every build: pages built from it are cached
	// under it.
	Version uint64
	// Gen is the generation of the snapshot it was built from.
	Gen uint64
	// Day is the day its indicators and obligations are computed on.
	Day        dossier.Day
	Workdays   *dossier.Workdays
	Set        *dossier.Set
	Report     *dossier.Report
	Sat        *dossier.Satisfaction
	Compliance *dossier.Compliance
	// Sources are the datasets read, per agency: their paths and latest
	// update, for the pages to link and say how fresh the figures are.
	Sources map[string][]Source
	// Problems are the exports' and rules' problems, as content problems
	// (congkhai check lists them too).
	Problems []content.Problem
	Took     time.Duration

	importProblems []content.Problem // the exports' own, reused by the next day's build
}

// Source is a dataset the accountability pages read.
type Source struct {
	Path, Title string
	Kind        string
	Updated     time.Time
	Files       int
	Rows        int
}

// LastUpdate returns the newest update of an agency's dossier datasets.
func (a *Accountability) LastUpdate(agency string) time.Time {
	var t time.Time
	for _, s := range a.Sources[agency] {
		if s.Kind == content.KindDossiers && s.Updated.After(t) {
			t = s.Updated
		}
	}
	return t
}

// accBuilder builds Accountability in one goroutine.
type accBuilder struct {
	p       *Portal
	cur     atomic.Pointer[Accountability]
	wake    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
	version uint64
	// batches are the imports of the last build, by file and what they
	// were read under.
	batches map[string]*dossier.Batch
	sats    map[string]*dossier.SatBatch
	mu      sync.Mutex // guards waiters
	waiters []chan struct{}
}

// accountability starts the builder once and returns it.
func (p *Portal) accountability() *accBuilder {
	p.accOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		b := &accBuilder{p: p, wake: make(chan struct{}, 1), stop: cancel, done: make(chan struct{}),
			batches: map[string]*dossier.Batch{}, sats: map[string]*dossier.SatBatch{}}
		p.acc = b
		p.OnChange(func(_, _ *Snapshot) { b.poke() })
		go b.run(ctx)
		b.poke()
	})
	return p.acc
}

// Accountability returns the latest build, starting the builder on the
// first call; nil until the first build is done. A build older than today
// is returned while the day's is computed.
func (p *Portal) Accountability() *Accountability {
	b := p.accountability()
	if b == nil {
		return nil
	}
	a := b.cur.Load()
	if a != nil && (a.Gen != p.Snapshot().Gen || a.Day != dossier.DayOf(p.Now())) {
		b.poke()
	}
	return a
}

// WaitAccountability waits until a build of the current snapshot on today is
// done, or ctx ends (its error).
func (p *Portal) WaitAccountability(ctx context.Context) (*Accountability, error) {
	b := p.accountability()
	if b == nil {
		return nil, errors.New("portal: closed")
	}
	for {
		if a := b.cur.Load(); a != nil && a.Gen == p.Snapshot().Gen && a.Day == dossier.DayOf(p.Now()) {
			return a, nil
		}
		ch := make(chan struct{})
		b.mu.Lock()
		b.waiters = append(b.waiters, ch)
		b.mu.Unlock()
		b.poke()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// stopAccountability stops the builder, if it runs.
func (p *Portal) stopAccountability() {
	p.accOnce.Do(func() {}) // once closed, the builder never starts
	if p.acc != nil {
		p.acc.stop()
		<-p.acc.done
	}
}

func (b *accBuilder) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *accBuilder) run(ctx context.Context) {
	defer close(b.done)
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-tick.C:
		}
		snap := b.p.Snapshot()
		today := dossier.DayOf(b.p.Now())
		cur := b.cur.Load()
		if cur == nil || cur.Gen != snap.Gen || cur.Day != today {
			a, err := b.build(ctx, snap, today, cur)
			if err != nil {
				if ctx.Err() == nil {
					b.p.log.Error("accountability build failed", "err", err)
				}
				continue
			}
			b.cur.Store(a)
			b.p.log.Info("accountability built", "dossiers", a.Set.Len(), "late", len(a.Report.Late("")),
				"obligations", len(a.Compliance.Obligations), "problems", len(a.Problems), "took_ms", a.Took.Milliseconds())
		}
		b.mu.Lock()
		ws := b.waiters
		b.waiters = nil
		b.mu.Unlock()
		for _, w := range ws {
			close(w)
		}
	}
}

// build makes the Accountability of snap on today. With prev of the same
// snapshot only the day changed: the exports are not read again.
func (b *accBuilder) build(ctx context.Context, snap *Snapshot, today dossier.Day, prev *Accountability) (*Accountability, error) {
	start := time.Now()
	var in *accInputs
	if prev != nil && prev.Gen == snap.Gen {
		in = &accInputs{set: prev.Set, sat: prev.Sat, w: prev.Workdays, sources: prev.Sources, problems: prev.importProblems}
	} else {
		var err error
		in, err = readAccountability(ctx, b.p.cfg.Content, snap.Site, b.batches, b.sats)
		if err != nil {
			return nil, err
		}
		b.batches, b.sats = in.batches, in.sats
	}
	a := compute(snap.Site, in, today)
	b.version++
	a.Version, a.Gen, a.Took = b.version, snap.Gen, time.Since(start)
	return a, nil
}

// accInputs is what the exports gave.
type accInputs struct {
	w        *dossier.Workdays
	set      *dossier.Set
	sat      *dossier.Satisfaction
	sources  map[string][]Source
	problems []content.Problem
	batches  map[string]*dossier.Batch
	sats     map[string]*dossier.SatBatch
}

// Calendar is the working-day calendar of site.yaml (feedback.holidays and
// feedback.working_days added to the built-in one).
func Calendar(cfg content.SiteConfig) *calendar.Calendar {
	parse := func(days []string) []time.Time {
		var out []time.Time
		for _, d := range days {
			if t, err := time.ParseInLocation(time.DateOnly, d, calendar.Location); err == nil {
				out = append(out, t)
			}
		}
		return out
	}
	return calendar.New(parse(cfg.Feedback.Holidays), parse(cfg.Feedback.WorkingDays))
}

// agencyResolver resolves what an export's agency column says: a folder
// name, a name or a short name, with or without diacritics.
func agencyResolver(site *content.Site) func(string) (string, bool) {
	m := map[string]string{}
	for _, a := range site.Agencies {
		for _, k := range []string{a.Slug, a.Name, a.ShortName} {
			m[content.Slugify(k)] = a.Slug
		}
	}
	return func(v string) (string, bool) {
		s, ok := m[content.Slugify(v)]
		return s, ok
	}
}

// readAccountability reads every export of site, reusing the batches of
// prev whose file, dataset and calendar did not change.
func readAccountability(ctx context.Context, fsys fs.FS, site *content.Site, prev map[string]*dossier.Batch, prevSat map[string]*dossier.SatBatch) (*accInputs, error) {
	cfg := site.Config.Feedback
	in := &accInputs{
		w:       dossier.NewWorkdays(Calendar(site.Config), 2015, 2035),
		sources: map[string][]Source{},
		batches: map[string]*dossier.Batch{},
		sats:    map[string]*dossier.SatBatch{},
	}
	var agencySig strings.Builder
	for _, a := range site.Agencies {
		agencySig.WriteString(a.Slug + "\x00" + a.Name + "\x00" + a.ShortName + "\x01")
	}
	h := fnv.New64a()
	h.Write([]byte(agencySig.String()))
	sig := fmt.Sprintf("%x|%v|%v", h.Sum64(), cfg.Holidays, cfg.WorkingDays)
	resolve := agencyResolver(site)
	// Later updated datasets last: their dossiers win for a code.
	sets := slices.Clone(site.Datasets)
	slices.SortStableFunc(sets, func(x, y *content.Dataset) int {
		if c := x.Updated.Compare(y.Updated); c != 0 {
			return c
		}
		return strings.Compare(x.Path, y.Path)
	})
	var batches []*dossier.Batch
	var sats []*dossier.SatBatch
	add := func(ps []dossier.Problem) {
		for _, p := range ps {
			in.problems = append(in.problems, content.Problem{Path: p.Path, Line: p.Line, Msg: p.Msg, Guess: p.Guess})
		}
	}
	for _, d := range sets {
		if !d.Records() {
			continue
		}
		opts := dossier.ImportOptions{Agency: d.Agency, Agencies: resolve, Fields: d.Fields, Drop: d.Drop, Workdays: in.w}
		src := Source{Path: d.Path, Title: d.Title, Kind: d.Kind, Updated: d.Updated}
		var files []*content.File
		if d.Restricted() {
			files = d.Exports
		} else {
			seen := map[string]bool{}
			for _, t := range d.Tables {
				if f, ok := site.Files[t.File]; ok && !seen[t.File] {
					seen[t.File] = true
					files = append(files, f)
				}
			}
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			key := fmt.Sprintf("%s|%d|%d|%s|%s", f.Path, f.Size, f.ModTime.UnixNano(), d.Hash, sig)
			src.Files++
			if d.Kind == content.KindDossiers {
				bt := prev[key]
				if bt == nil {
					var err error
					bt, err = importFile(ctx, fsys, f.Path, func(r io.ReaderAt, size int64) (*dossier.Batch, error) {
						return dossier.Import(ctx, f.Path, r, size, opts)
					})
					if err != nil {
						if ctx.Err() != nil {
							return nil, ctx.Err()
						}
						in.problems = append(in.problems, content.Problem{Path: f.Path, Msg: msg.New("%v", err)})
						continue
					}
				}
				in.batches[key] = bt
				batches = append(batches, bt)
				add(bt.Problems)
				src.Rows += bt.Len()
				continue
			}
			sb := prevSat[key]
			if sb == nil {
				var err error
				sb, err = importFile(ctx, fsys, f.Path, func(r io.ReaderAt, size int64) (*dossier.SatBatch, error) {
					return dossier.ImportSatisfaction(ctx, f.Path, r, size, opts)
				})
				if err != nil {
					if ctx.Err() != nil {
						return nil, ctx.Err()
					}
					in.problems = append(in.problems, content.Problem{Path: f.Path, Msg: msg.New("%v", err)})
					continue
				}
			}
			in.sats[key] = sb
			sats = append(sats, sb)
			add(sb.Problems)
			src.Rows += len(sb.Rows)
		}
		in.sources[d.Agency] = append(in.sources[d.Agency], src)
	}
	in.set = dossier.NewSet(batches)
	in.sat = dossier.NewSatisfaction(sats)
	return in, nil
}

// checkRecords reads the exports of records dataset d from files (a
// change's) as readAccountability reads them from the content folder, and
// returns the problems a publisher must see before they are published: a
// column of personal data, and a file that cannot be read or gives no
// row, fail; the rest (rows left out, values not understood) are shown as
// guesses, since the rows that read are counted.
func checkRecords(cache *recordChecks, gen uint64, site *content.Site, d *content.Dataset, files map[string][]byte) []content.Problem {
	opts := dossier.ImportOptions{Agency: d.Agency, Agencies: agencyResolver(site), Fields: d.Fields, Drop: d.Drop,
		Workdays: dossier.NewWorkdays(Calendar(site.Config), 2015, 2035)}
	var names []string
	if d.Restricted() {
		for _, f := range d.Exports {
			names = append(names, f.Path)
		}
	} else {
		for _, t := range d.Tables {
			if !slices.Contains(names, t.File) {
				names = append(names, t.File)
			}
		}
	}
	var out []content.Problem
	for _, name := range names {
		b, ok := files[name]
		if !ok {
			continue
		}
		out = append(out, cache.read(gen, d, name, b, func() []content.Problem { return readRecords(d, name, b, opts) })...)
	}
	return out
}

// readRecords reads one export file b of records dataset d.
func readRecords(d *content.Dataset, name string, b []byte, opts dossier.ImportOptions) []content.Problem {
	var out []content.Problem
	var ps []dossier.Problem
	var rows int
	var err error
	if d.Kind == content.KindDossiers {
		var bt *dossier.Batch
		if bt, err = dossier.Import(context.Background(), name, bytes.NewReader(b), int64(len(b)), opts); err == nil {
			ps, rows = bt.Problems, bt.Len()
		}
	} else {
		var sb *dossier.SatBatch
		if sb, err = dossier.ImportSatisfaction(context.Background(), name, bytes.NewReader(b), int64(len(b)), opts); err == nil {
			ps, rows = sb.Problems, len(sb.Rows)
		}
	}
	if err != nil {
		return []content.Problem{{Path: name, Msg: msg.New("%v", err)}}
	}
	for _, p := range ps {
		out = append(out, content.Problem{Path: p.Path, Line: p.Line, Msg: p.Msg, Guess: p.Guess || rows > 0 && !p.Personal})
	}
	if rows == 0 {
		out = append(out, content.Problem{Path: name, Msg: msg.New("no row of the file reads: nothing would be counted")})
	}
	return out
}

// recordChecks remembers what readRecords found in the export files of
// changes, so that a draft's page, its preview and its publication read a
// large export once: keyed by the site's generation (agencies, calendar),
// the dataset's kind, agency, fields and drop, and the file's name and
// content.
type recordChecks struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte][]content.Problem
}

// recordChecksMax bounds the files remembered.
const recordChecksMax = 16

func (c *recordChecks) read(gen uint64, d *content.Dataset, name string, b []byte, read func() []content.Problem) []content.Problem {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%q\x00%q\x00%s\x00", gen, d.Kind, d.Agency, d.Fields, d.Drop, name)
	h.Write(b)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	c.mu.Lock()
	ps, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return ps
	}
	ps = read()
	c.mu.Lock()
	if c.m == nil || len(c.m) >= recordChecksMax {
		c.m = map[[sha256.Size]byte][]content.Problem{}
	}
	c.m[key] = ps
	c.mu.Unlock()
	return ps
}

// importFile opens a file of the content folder and reads it with read.
func importFile[T any](ctx context.Context, fsys fs.FS, name string, read func(r io.ReaderAt, size int64) (T, error)) (T, error) {
	var zero T
	f, err := fsys.Open(name)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return zero, err
	}
	if ra, ok := f.(io.ReaderAt); ok {
		return read(ra, info.Size())
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<30))
	if err != nil {
		return zero, err
	}
	return read(bytes.NewReader(b), int64(len(b)))
}

// compute makes the day's report and obligations from what the exports gave.
func compute(site *content.Site, in *accInputs, today dossier.Day) *Accountability {
	acc := site.Config.Accountability
	apology := dossier.DefaultApologyDays
	if acc.ApologyDays != nil {
		apology = *acc.ApologyDays
	}
	a := &Accountability{Day: today, Workdays: in.w, Set: in.set, Sat: in.sat, Sources: in.sources,
		Problems: slices.Clone(in.problems), importProblems: in.problems}
	a.Report = dossier.NewReport(in.set, dossier.ReportOptions{Today: today, Workdays: in.w, ApologyDays: apology})
	rules, rps := DisclosureRules(site.Config)
	var agencies []dossier.AgencyRef
	for _, ag := range site.Agencies {
		agencies = append(agencies, dossier.AgencyRef{Slug: ag.Slug, Kind: ag.Kind, Parent: ag.Parent})
	}
	pubs, sources := Publications(site)
	a.Compliance = dossier.Evaluate(rules, agencies, pubs, in.w, today, sources)
	for _, p := range append(rps, a.Compliance.Problems...) {
		a.Problems = append(a.Problems, content.Problem{Path: p.Path, Line: p.Line, Msg: p.Msg, Guess: p.Guess})
	}
	return a
}

// DisclosureRules returns the disclosure obligations a site checks: the
// default rules as site.yaml's accountability.obligations change them, and
// the problems of those (file: site.yaml).
func DisclosureRules(cfg content.SiteConfig) ([]dossier.Rule, []dossier.Problem) {
	var cfgs []dossier.RuleConfig
	for _, o := range cfg.Accountability.Obligations {
		cfgs = append(cfgs, dossier.RuleConfig{ID: o.ID, Off: o.Off, Title: o.Title, DocumentType: o.DocumentType, Category: o.Category,
			Agencies: o.Agencies, Every: o.Every, Quarters: o.Quarters, From: o.From, ApprovedBy: o.ApprovedBy, Days: o.Days,
			WorkingDays: o.WorkingDays, MinPosting: o.MinPosting, Law: o.Law, Since: o.Since, Line: o.Line})
	}
	return dossier.ApplyConfig(dossier.DefaultRules(), cfgs)
}

// Publications returns the notices and datasets that declare a document
// type, as the obligations see them, and the source file of each by path.
func Publications(site *content.Site) ([]dossier.Publication, map[string]string) {
	var out []dossier.Publication
	sources := map[string]string{}
	for _, n := range site.Notices {
		if n.DocumentType == "" {
			continue
		}
		p := dossier.Publication{Agency: n.Agency, Path: n.Path, Title: n.Title, DocumentType: n.DocumentType, Period: n.Period,
			Published: dossier.DayOf(n.Published), Approved: dossier.DayOf(n.Approved)}
		switch {
		case n.Comment != nil:
			p.PostFrom, p.PostTo = dossier.DayOf(n.Comment.Opens), dossier.DayOf(n.Comment.Closes)
		case !n.Effective.IsZero() && !n.Expires.IsZero():
			p.PostFrom, p.PostTo = dossier.DayOf(n.Effective), dossier.DayOf(n.Expires)
		}
		out = append(out, p)
		sources[n.Path] = n.Source
	}
	for _, d := range site.Datasets {
		if d.DocumentType == "" {
			continue
		}
		out = append(out, dossier.Publication{Agency: d.Agency, Path: d.Path, Title: d.Title, DocumentType: d.DocumentType, Period: d.Period,
			Published: dossier.DayOf(d.Published), Approved: dossier.DayOf(d.Approved)})
		sources[d.Path] = d.IndexSource
	}
	return out, sources
}

// CheckAccountability reads every export of site from fsys as the portal
// would, and returns the problems of the exports, of site.yaml's rules and of
// the disclosure fields, for congkhai check.
func CheckAccountability(ctx context.Context, fsys fs.FS, site *content.Site, now time.Time) ([]content.Problem, error) {
	in, err := readAccountability(ctx, fsys, site, nil, nil)
	if err != nil {
		return nil, err
	}
	return compute(site, in, dossier.DayOf(now)).Problems, nil
}
