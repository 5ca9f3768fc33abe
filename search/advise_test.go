package search

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestAdvise: every persisted segment a snapshot shows is advised once, and
// forgotten once merged away; searches still answer.
func TestAdvise(t *testing.T) {
	ix := openTemp(t, Options{BatchSize: 10})
	ctx := context.Background()
	for b := range 4 {
		var docs []Document
		for i := range 10 {
			docs = append(docs, Document{ID: fmt.Sprintf("n%d-%d", b, i), Kind: "notice", Title: "Giá đất năm " + fmt.Sprint(2020+b)})
		}
		if err := ix.Apply(ctx, docs, nil); err != nil {
			t.Fatal(err)
		}
	}
	persisted := func() (ids []uint64) {
		snap, release, err := ix.snapshot()
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		files, _ := snap.files()
		for _, f := range files {
			ids = append(ids, f.id)
		}
		return ids
	}
	deadline := time.Now().Add(10 * time.Second)
	var ids []uint64
	for ids = persisted(); len(ids) == 0 && time.Now().Before(deadline); ids = persisted() {
		time.Sleep(20 * time.Millisecond)
	}
	if len(ids) == 0 {
		t.Fatal("no segment was persisted")
	}
	check := func(ids []uint64) {
		t.Helper()
		ix.advised.mu.Lock()
		defer ix.advised.mu.Unlock()
		for _, id := range ids {
			if !ix.advised.done[id] {
				t.Errorf("segment %d not advised", id)
			}
		}
	}
	check(ids)
	if err := ix.forceMerge(ctx); err != nil {
		t.Fatal(err)
	}
	ids = persisted()
	check(ids)
	ix.advised.mu.Lock()
	if len(ix.advised.done) > len(ids) {
		t.Errorf("advised %v, live persisted segments %v: merged ones not forgotten", ix.advised.done, ids)
	}
	ix.advised.mu.Unlock()
	res, err := ix.Search(ctx, Request{Query: "gia dat"})
	if err != nil || res.Total != 40 {
		t.Fatalf("search after advice: %v, %v", res, err)
	}
}
