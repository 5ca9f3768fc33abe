package publish

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestRecordBatch(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		first := noticeFiles(t, s, "so-tai-chinh/a", "A")
		if Digest(first) != digest(first) || Digest([]File{first[0]}) == "" {
			t.Fatal("Digest differs from the digest Record keeps")
		}
		publishNotice(t, s, "so-tai-chinh/b", "B")
		var nvs []NewVersion
		for i := range 50 {
			p := fmt.Sprintf("so-tai-chinh/n-%02d", i)
			nvs = append(nvs, NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: ActorFile, Files: noticeFiles(t, s, p, p)})
		}
		nvs = append(nvs,
			NewVersion{Path: "so-tai-chinh/a", Kind: Notice, Action: ActionPublish, Actor: ActorFile, Files: first},
			NewVersion{Path: "so-tai-chinh/a", Kind: Notice, Action: ActionPublish, Actor: ActorFile, Files: first},                                                                // the same again: nothing
			NewVersion{Path: "so-tai-chinh/b", Kind: Notice, Action: ActionHandEdit, Actor: ActorFile, Files: noticeFiles(t, s, "so-tai-chinh/b", "B2"), CheckBase: true, Base: 0}, // stale base
			NewVersion{Path: "so-tai-chinh/c", Kind: Notice, Action: ActionCorrect, Actor: ActorFile, Reason: "x", Files: noticeFiles(t, s, "so-tai-chinh/c", "C")},                // never published
		)
		res, err := s.RecordBatch(ctx, nvs)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 50 {
			if r := res[i]; r.Err != nil || !r.Created || r.Version.Number != 1 {
				t.Errorf("version %d: %+v", i, r)
			}
		}
		if r := res[50]; r.Err != nil || !r.Created {
			t.Errorf("first a: %+v", r)
		}
		if r := res[51]; r.Err != nil || r.Created || r.Version.Number != 1 {
			t.Errorf("same a again: %+v", r)
		}
		if r := res[52]; !errors.Is(r.Err, ErrConflict) {
			t.Errorf("stale base: %+v", r)
		}
		if r := res[53]; !errors.Is(r.Err, ErrNotFound) {
			t.Errorf("correct a new item: %+v", r)
		}
		vs, err := s.VersionsSince(ctx, 0, 0)
		if err != nil || len(vs) != 52 {
			t.Fatalf("%d versions recorded (%v), want 52", len(vs), err)
		}
		for i := 1; i < len(vs); i++ {
			if vs[i].ID <= vs[i-1].ID {
				t.Errorf("ids out of order: %d after %d", vs[i].ID, vs[i-1].ID)
			}
		}
	})
}

func TestPutFilesOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		files := map[string][]byte{"a/x.md": []byte("same"), "a/y.pdf": []byte("same"), "a/z.csv": nil}
		for range 2 {
			got, err := s.PutFiles(ctx, files)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || got[0].Name != "a/x.md" || got[0].Hash != got[1].Hash || got[2].Size != 0 {
				t.Fatalf("PutFiles = %+v", got)
			}
			for _, f := range got {
				b, err := s.Blob(ctx, f.Hash)
				if err != nil || string(b) != string(files[f.Name]) {
					t.Errorf("Blob(%s) = %q, %v", f.Name, b, err)
				}
			}
		}
		var n int
		if err := s.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM publish_blobs`).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d blobs (%v), want 2", n, err)
		}
		big := make([]byte, s.limits.FileSize+1)
		if _, err := s.PutFiles(ctx, map[string][]byte{"a/big.csv": big}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("a file over the limit: %v", err)
		}
	})
}
