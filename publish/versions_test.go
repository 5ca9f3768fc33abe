package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRecordLifecycle walks an item through its life, step by step: what
// each action records, what it refuses, and that repeating a step records
// nothing.
func TestRecordLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		const p = "so-tai-chinh/du-toan-2026"
		v1 := noticeFiles(t, s, p, "Dự toán thu ngân sách 2026.", "files/qd.pdf", "%PDF quyết định")
		v2 := noticeFiles(t, s, p, "Dự toán thu ngân sách năm 2026 (sửa số liệu).", "files/qd.pdf", "%PDF quyết định")
		v3 := noticeFiles(t, s, p, "Dự toán đã sửa lần hai.")
		steps := []struct {
			name    string
			nv      NewVersion
			err     error // nil: success
			created bool
			number  int // the version returned
			action  Action
		}{
			{"correct before publishing", NewVersion{Action: ActionCorrect, Reason: "x", Files: v1}, ErrNotFound, false, 0, ""},
			{"withdraw before publishing", NewVersion{Action: ActionWithdraw, Reason: "x"}, ErrNotFound, false, 0, ""},
			{"publish", NewVersion{Action: ActionPublish, Files: v1}, nil, true, 1, ActionPublish},
			{"publish the same again", NewVersion{Action: ActionPublish, Files: v1}, nil, false, 1, ActionPublish},
			{"publish other files again", NewVersion{Action: ActionPublish, Files: v2}, ErrInvalidState, false, 0, ""},
			{"correct without a reason", NewVersion{Action: ActionCorrect, Files: v2}, ErrInvalid, false, 0, ""},
			{"correct", NewVersion{Action: ActionCorrect, Reason: "Sửa số liệu thu nội địa", Files: v2}, nil, true, 2, ActionCorrect},
			{"correct with the same files", NewVersion{Action: ActionCorrect, Reason: "lại", Files: v2}, nil, false, 2, ActionCorrect},
			{"restore what is not withdrawn", NewVersion{Action: ActionRestore, Reason: "x", Files: v3}, ErrInvalidState, false, 0, ""},
			{"conflicting base", NewVersion{Action: ActionCorrect, Reason: "x", Files: v3, CheckBase: true, Base: 1}, ErrConflict, false, 0, ""},
			{"withdraw", NewVersion{Action: ActionWithdraw, Reason: "Ban hành nhầm"}, nil, true, 3, ActionWithdraw},
			{"withdraw again", NewVersion{Action: ActionWithdraw, Reason: "Ban hành nhầm"}, nil, false, 3, ActionWithdraw},
			{"correct a withdrawn item", NewVersion{Action: ActionCorrect, Reason: "x", Files: v3}, ErrInvalidState, false, 0, ""},
			{"restore", NewVersion{Action: ActionRestore, Reason: "Khôi phục theo chỉ đạo", Files: v2, CheckBase: true, Base: 3}, nil, true, 4, ActionRestore},
			{"hand edit", NewVersion{Action: ActionHandEdit, Files: v3}, nil, true, 5, ActionHandEdit},
			{"hand edit, same files", NewVersion{Action: ActionHandEdit, Files: v3}, nil, false, 5, ActionHandEdit},
			{"same path, other kind", NewVersion{Action: ActionHandEdit, Kind: Dataset, Files: datasetFiles(t, s, p, "a\n1\n")}, ErrInvalid, false, 0, ""},
		}
		for _, st := range steps {
			clk.Add(time.Hour)
			nv := st.nv
			nv.Path = p
			if nv.Kind == "" {
				nv.Kind = Notice
			}
			nv.Actor = StaffActor(7)
			if nv.Action == ActionHandEdit {
				nv.Actor = ActorFile
			}
			v, created, err := s.Record(context.Background(), nv)
			if st.err != nil {
				if !errors.Is(err, st.err) {
					t.Errorf("%s: err = %v, want %v", st.name, err, st.err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if created != st.created || v.Number != st.number || v.Action != st.action {
				t.Errorf("%s: got created %v, version %d %s; want %v, %d %s", st.name, created, v.Number, v.Action, st.created, st.number, st.action)
			}
		}

		vs, err := s.Versions(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 5 {
			t.Fatalf("Versions: %d, want 5", len(vs))
		}
		var got []string
		for i, v := range vs {
			got = append(got, fmt.Sprintf("%d %s %s %q", v.Number, v.Action, v.Actor, v.Reason))
			if i > 0 && (v.ID <= vs[i-1].ID || !v.At.After(vs[i-1].At)) {
				t.Errorf("version %d: id %d at %v after id %d at %v", v.Number, v.ID, v.At, vs[i-1].ID, vs[i-1].At)
			}
			if v.Agency != "so-tai-chinh" || v.Path != p || v.Kind != Notice {
				t.Errorf("version %d: agency %q path %q kind %q", v.Number, v.Agency, v.Path, v.Kind)
			}
		}
		want := []string{
			`1 publish staff:7 ""`,
			`2 correct staff:7 "Sửa số liệu thu nội địa"`,
			`3 withdraw staff:7 "Ban hành nhầm"`,
			`4 restore staff:7 "Khôi phục theo chỉ đạo"`,
			`5 hand_edit file ""`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The withdrawal keeps the files it took off the site.
		if !slices.Equal(vs[2].Files, vs[1].Files) || vs[2].Digest != vs[1].Digest || !vs[2].Withdrawn() {
			t.Errorf("withdrawal files %v, want %v", vs[2].Files, vs[1].Files)
		}
		if !slices.Equal(vs[0].Files, v1) || len(vs[0].Files) != 2 || vs[0].Files[1].Size != int64(len("%PDF quyết định")) {
			t.Errorf("version 1 files %+v, want %+v", vs[0].Files, v1)
		}
		if f := vs[4].Main(); f.Name != p+".md" || f.Hash != v3[0].Hash {
			t.Errorf("Main() = %+v", f)
		}
	})
}

// TestRecordValidation: inputs the store refuses, and why.
func TestRecordValidation(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, _ *clock) {
		ctx := context.Background()
		const p = "so-a/thong-bao"
		good := noticeFiles(t, s, p, "Nội dung.")
		main := good[0]
		with := func(names ...string) []File {
			out := []File{main}
			for _, n := range names {
				out = append(out, File{Name: n, Hash: main.Hash})
			}
			return out
		}
		unknown := File{Name: p + ".md", Hash: Hash([]byte("never stored"))}
		tests := []struct {
			name string
			nv   NewVersion
			want error
		}{
			{"ok", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: good}, nil},
			{"path with one segment", NewVersion{Path: "so-a", Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: good}, ErrInvalid},
			{"path with three segments", NewVersion{Path: "so-a/b/c", Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: good}, ErrInvalid},
			{"path in capitals", NewVersion{Path: "So-A/x", Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: good}, ErrInvalid},
			{"path with ..", NewVersion{Path: "../etc", Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: good}, ErrInvalid},
			{"kind", NewVersion{Path: p, Kind: "page", Action: ActionPublish, Actor: StaffActor(1), Files: good}, ErrInvalid},
			{"action", NewVersion{Path: p, Kind: Notice, Action: "delete", Actor: StaffActor(1), Files: good}, ErrInvalid},
			{"actor", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: "admin", Files: good}, ErrInvalid},
			{"actor id", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: "staff:0", Files: good}, ErrInvalid},
			{"no main file", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: []File{{Name: "so-a/files/a.pdf", Hash: main.Hash}}}, ErrInvalid},
			{"dataset without index.md", NewVersion{Path: p, Kind: Dataset, Action: ActionPublish, Actor: StaffActor(1), Files: good}, ErrInvalid},
			{"another notice's file", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with("so-a/khac.md")}, ErrInvalid},
			{"the agency file", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with("so-a/_agency.md")}, ErrInvalid},
			{"another agency's folder", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with("so-b/files/a.pdf")}, ErrInvalid},
			{"climbing out", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with("so-a/../so-b/a.pdf")}, ErrInvalid},
			{"hidden file", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with("so-a/files/.htaccess")}, ErrInvalid},
			{"empty segment", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with("so-a//a.pdf")}, ErrInvalid},
			{"backslash", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with(`so-a/files\a.pdf`)}, ErrInvalid},
			{"absolute", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: with("/so-a/a.pdf")}, ErrInvalid},
			{"twice", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: append(with(), main)}, ErrInvalid},
			{"bad hash", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: []File{{Name: p + ".md", Hash: "abc"}}}, ErrInvalid},
			{"unknown blob", NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: []File{unknown}}, ErrUnknownBlob},
			{"long reason", NewVersion{Path: p, Kind: Notice, Action: ActionCorrect, Actor: StaffActor(1), Reason: strings.Repeat("ừ", 2001), Files: good}, ErrInvalid},
		}
		for _, tt := range tests {
			_, _, err := s.Record(ctx, tt.nv)
			if tt.want == nil && err != nil || !errors.Is(err, tt.want) {
				t.Errorf("%s: Record = %v, want %v", tt.name, err, tt.want)
			}
		}
	})
}

// TestLimits: files and versions over the limits are refused.
func TestLimits(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			s, _ := openTest(t, kind, WithLimits(Limits{FileSize: 100, VersionSize: 150, VersionFiles: 3}))
			ctx := context.Background()
			const p = "so-a/x"
			big := make([]byte, 101)
			tests := []struct {
				name  string
				files map[string][]byte
			}{
				{"one file too big", map[string][]byte{p + ".md": big}},
				{"too many files", map[string][]byte{p + ".md": nil, "so-a/f/1": nil, "so-a/f/2": nil, "so-a/f/3": nil}},
				{"too many bytes", map[string][]byte{p + ".md": big[:80], "so-a/f/1": big[:80]}},
			}
			for _, tt := range tests {
				if _, err := s.PutFiles(ctx, tt.files); !errors.Is(err, ErrTooLarge) {
					t.Errorf("%s: PutFiles = %v, want ErrTooLarge", tt.name, err)
				}
			}
			// Blobs stored one by one are still held to the limits of a version.
			h1, _ := s.PutBlob(ctx, big[:80])
			h2, _ := s.PutBlob(ctx, append(big[:79:79], 1))
			_, _, err := s.Record(ctx, NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1),
				Files: []File{{Name: p + ".md", Hash: h1}, {Name: "so-a/f/1", Hash: h2}}})
			if !errors.Is(err, ErrTooLarge) {
				t.Errorf("Record of 160 bytes = %v, want ErrTooLarge", err)
			}
			if got := s.Limits(); got.Reason != DefaultLimits().Reason || got.FileSize != 100 {
				t.Errorf("Limits() = %+v", got)
			}
		})
	}
}

// TestVersionReads: the ways to read versions back.
func TestVersionReads(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		s.latestPage = 2 // EachLatest reads several pages

		if h, err := s.Head(ctx); err != nil || h != 0 {
			t.Errorf("Head of an empty store = %d, %v", h, err)
		}
		paths := []string{"so-b/c", "so-a/b", "so-a/a", "so-c/a", "so-b/a"}
		var all []*Version
		for i, p := range paths {
			all = append(all, publishNotice(t, s, p, "bản đầu "+p))
			clk.Add(time.Hour)
			if i%2 == 0 {
				all = append(all, record(t, s, NewVersion{Path: p, Kind: Notice, Action: ActionCorrect, Actor: StaffActor(2), Reason: "sửa",
					Files: noticeFiles(t, s, p, "bản sửa "+p)}))
				clk.Add(time.Hour)
			}
		}
		head, err := s.Head(ctx)
		if err != nil || head != all[len(all)-1].ID {
			t.Errorf("Head = %d, %v; want %d", head, err, all[len(all)-1].ID)
		}

		// VersionsSince pages through everything in id order.
		var seen []int64
		for after := int64(0); ; {
			vs, err := s.VersionsSince(ctx, after, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) == 0 {
				break
			}
			for _, v := range vs {
				seen = append(seen, v.ID)
				if len(v.Files) != 1 {
					t.Errorf("VersionsSince: version %d has %d files", v.ID, len(v.Files))
				}
			}
			after = vs[len(vs)-1].ID
		}
		var want []int64
		for _, v := range all {
			want = append(want, v.ID)
		}
		if !slices.Equal(seen, want) {
			t.Errorf("VersionsSince ids %v, want %v", seen, want)
		}

		// EachLatest: every item once, in path order, at its latest version.
		var latest []string
		err = s.EachLatest(ctx, func(v *Version) error {
			latest = append(latest, fmt.Sprintf("%s#%d", v.Path, v.Number))
			if body, _ := s.Blob(ctx, v.Main().Hash); !strings.Contains(string(body), v.Path) {
				t.Errorf("EachLatest %s: body %q", v.Path, body)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if w := []string{"so-a/a#2", "so-a/b#1", "so-b/a#2", "so-b/c#2", "so-c/a#1"}; !slices.Equal(latest, w) {
			t.Errorf("EachLatest = %v, want %v", latest, w)
		}
		stop := errors.New("stop")
		if err := s.EachLatest(ctx, func(*Version) error { return stop }); err != stop {
			t.Errorf("EachLatest returned %v, want fn's error", err)
		}

		// One version by number, by id, the latest, the one in force at a time.
		first, second := all[0], all[1] // so-b/c #1 and #2, an hour apart
		tests := []struct {
			name string
			get  func() (*Version, error)
			want *Version
		}{
			{"Version 1", func() (*Version, error) { return s.Version(ctx, "so-b/c", 1) }, first},
			{"Version 2", func() (*Version, error) { return s.Version(ctx, "so-b/c", 2) }, second},
			{"VersionByID", func() (*Version, error) { return s.VersionByID(ctx, second.ID) }, second},
			{"Latest", func() (*Version, error) { return s.Latest(ctx, "so-b/c") }, second},
			{"VersionAt the first's time", func() (*Version, error) { return s.VersionAt(ctx, "so-b/c", first.At) }, first},
			{"VersionAt between", func() (*Version, error) { return s.VersionAt(ctx, "so-b/c", first.At.Add(59*time.Minute)) }, first},
			{"VersionAt the second's time", func() (*Version, error) { return s.VersionAt(ctx, "so-b/c", second.At) }, second},
			{"VersionAt later", func() (*Version, error) { return s.VersionAt(ctx, "so-b/c", second.At.AddDate(1, 0, 0)) }, second},
			{"VersionAt before", func() (*Version, error) { return s.VersionAt(ctx, "so-b/c", first.At.Add(-time.Second)) }, nil},
			{"Version 3", func() (*Version, error) { return s.Version(ctx, "so-b/c", 3) }, nil},
			{"VersionByID unknown", func() (*Version, error) { return s.VersionByID(ctx, 999999) }, nil},
			{"Latest unknown", func() (*Version, error) { return s.Latest(ctx, "so-z/z") }, nil},
		}
		for _, tt := range tests {
			got, err := tt.get()
			if tt.want == nil {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: %v, %v; want ErrNotFound", tt.name, got, err)
				}
				continue
			}
			if err != nil || got.ID != tt.want.ID || !got.At.Equal(tt.want.At) || !slices.Equal(got.Files, tt.want.Files) || got.Digest != tt.want.Digest {
				t.Errorf("%s: %+v, %v; want %+v", tt.name, got, err, tt.want)
			}
		}
		if _, err := s.Versions(ctx, "so-z/z"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Versions(unknown) = %v, want ErrNotFound", err)
		}
	})
}

// TestClockBehind: a replica whose clock is behind never dates a version
// before the item's previous one.
func TestClockBehind(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			d := newTestDB(t, kind)
			ahead, behind := &clock{t: testStart}, &clock{t: testStart.Add(-time.Hour)}
			a, b := d.open(t, WithClock(ahead.Now)), d.open(t, WithClock(behind.Now))
			v1 := publishNotice(t, a, "so-a/x", "một")
			v2 := record(t, b, NewVersion{Path: "so-a/x", Kind: Notice, Action: ActionCorrect, Actor: StaffActor(1), Reason: "sửa", Files: noticeFiles(t, b, "so-a/x", "hai")})
			if v2.At.Before(v1.At) {
				t.Errorf("version 2 at %v, before version 1 at %v", v2.At, v1.At)
			}
			got, err := a.VersionAt(context.Background(), "so-a/x", v1.At)
			if err != nil || got.Number != 2 {
				t.Errorf("VersionAt(version 1's time) = %v, %v; want version 2 (same time, later)", got, err)
			}
		})
	}
}

// TestRecordConcurrent: replicas recording versions of the same item at once
// number them 1..n without a gap or a duplicate, and commit ids in order.
func TestRecordConcurrent(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			d := newTestDB(t, kind)
			stores := []*Store{d.open(t), d.open(t)}
			const p, writers, each = "so-a/bang", 4, 10
			publishNotice(t, stores[0], p, "bản đầu")
			var wg sync.WaitGroup
			errs := make(chan error, writers*each)
			for w := range writers {
				s := stores[w%2]
				wg.Go(func() {
					for i := range each {
						files, err := s.PutFiles(context.Background(), map[string][]byte{p + ".md": fmt.Appendf(nil, "bản %d-%d", w, i)})
						if err == nil {
							_, _, err = s.Record(context.Background(), NewVersion{Path: p, Kind: Notice, Action: ActionCorrect, Actor: StaffActor(int64(w + 1)), Reason: "sửa", Files: files})
						}
						if err != nil {
							errs <- err
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			vs, err := stores[1].Versions(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 1+writers*each {
				t.Fatalf("%d versions, want %d", len(vs), 1+writers*each)
			}
			for i, v := range vs {
				if v.Number != i+1 || i > 0 && v.ID <= vs[i-1].ID {
					t.Errorf("version %d: number %d id %d (previous id %d)", i+1, v.Number, v.ID, vs[max(i-1, 0)].ID)
				}
			}
			l, _ := stores[0].Latest(context.Background(), p)
			if l.Number != len(vs) {
				t.Errorf("Latest number %d, want %d", l.Number, len(vs))
			}
		})
	}
}

// TestListen: a listener hears at once, then after each version recorded by
// its own store or, on PostgreSQL, by another replica; not after a Record
// that changed nothing.
func TestListen(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			d := newTestDB(t, kind)
			a, b := d.open(t), d.open(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ch := a.Listen(ctx)
			wait(t, ch, "the first value")
			publishNotice(t, a, "so-a/x", "một")
			wait(t, ch, "a version of the same store")
			if kind == "postgres" {
				publishNotice(t, b, "so-a/y", "hai")
				wait(t, ch, "a version of another replica")
			}
			cancel()
			for range ch {
			}
		})
	}
}

// wait fails the test unless ch receives within a generous bound (a guard
// against a hang, not a measurement).
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("%s: channel closed", what)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: nothing", what)
	}
}
