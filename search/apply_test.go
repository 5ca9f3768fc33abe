package search

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// A failure bleve reports while persisting reaches the Apply waiting for
// that index, and only that one; a context that ends stops the wait too.
func TestWaitPersistedErrors(t *testing.T) {
	a, b := newFixtureIndex(t), newFixtureIndex(t)
	tests := []struct {
		name    string
		deliver func()
		ctx     func() (context.Context, context.CancelFunc)
		want    string
	}{
		{"persist error", func() { asyncErrors.deliver(errors.New("no space left on device"), storePath(a.dir)) },
			func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			"persist: no space left on device"},
		{"another index's error, then the deadline", func() { asyncErrors.deliver(errors.New("other"), storePath(b.dir)) },
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 50*time.Millisecond)
			},
			"waiting for the disk: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.deliver()
			ctx, cancel := tt.ctx()
			defer cancel()
			err := a.waitPersisted(ctx, make(chan struct{})) // a batch bleve never persists
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("waitPersisted = %v, want %q", err, tt.want)
			}
		})
	}
	<-b.persistErr // the other index got its own error
}
