package main

import (
	"context"
	"io"
	"log/slog"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemoryLimit(t *testing.T) {
	tests := []struct {
		live uint64
		want int64
	}{
		{0, minMemoryLimit},
		{200 << 20, minMemoryLimit}, // 1.5× is 300 MiB: the minimum rules
		{256 << 20, minMemoryLimit}, // 1.5× is the minimum
		{300 << 20, 450 << 20},
		{1 << 30, 3 << 29},
	}
	for _, tt := range tests {
		if got := memoryLimit(tt.live); got != tt.want {
			t.Errorf("memoryLimit(%d MiB) = %d MiB, want %d MiB", tt.live>>20, got>>20, tt.want>>20)
		}
	}
}

// TestGovernMemory: the limit is set from the live heap at once, set again
// when the heap grows past a twentieth, and left when ctx ends.
func TestGovernMemory(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prev)
	debug.SetMemoryLimit(1 << 40)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		governMemory(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), 5*time.Millisecond)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) != minMemoryLimit {
		if time.Now().After(deadline) {
			t.Fatalf("limit %d MiB, want the minimum %d MiB for this test's small heap", debug.SetMemoryLimit(-1)>>20, minMemoryLimit>>20)
		}
		time.Sleep(time.Millisecond)
	}
	// A live heap of 320 MiB: 1.5× is 480 MiB.
	big := make([]byte, 320<<20)
	for i := range big {
		if i%4096 == 0 {
			big[i] = 1
		}
	}
	for got := debug.SetMemoryLimit(-1); got < 470<<20; got = debug.SetMemoryLimit(-1) {
		if time.Now().After(deadline) {
			t.Fatalf("limit %d MiB with 320 MiB live, want about 480 MiB", got>>20)
		}
		time.Sleep(5 * time.Millisecond)
		_ = make([]byte, 1<<20) // allocation, so that a collection comes
	}
	_ = big[len(big)-1]
	cancel()
	<-done
}
