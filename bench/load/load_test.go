package load

import (
	"context"
	"sync"
	"testing"
	"time"
)

// fakeClock advances only when told: SleepUntil jumps to the target, and the
// handler under test advances it by its service time. Safe with one worker.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) SleepUntil(_ context.Context, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}
func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func serviceOf(clk *fakeClock, d time.Duration) Do {
	return func(context.Context, int) error { clk.advance(d); return nil }
}

// A server that needs 25 ms per request, asked for one every 10 ms by one
// connection, falls further behind with every request: the open-loop latency
// of request i is 25 + 15·i ms, while a closed-loop tool would report 25 ms.
func TestCoordinatedOmission(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	p := Plan{Rate: 100, Duration: 100 * time.Millisecond, Conns: 1}
	s := Run(context.Background(), clk, p, serviceOf(clk, 25*time.Millisecond))
	if len(s) != 10 {
		t.Fatalf("%d samples, want 10", len(s))
	}
	for i, x := range s {
		want := time.Duration(25+15*i) * time.Millisecond
		if x.Latency() != want {
			t.Errorf("request %d: latency %v, want %v", i, x.Latency(), want)
		}
		if x.Service() != 25*time.Millisecond {
			t.Errorf("request %d: service %v, want 25ms", i, x.Service())
		}
		if x.Scheduled != time.Duration(i)*10*time.Millisecond {
			t.Errorf("request %d scheduled at %v", i, x.Scheduled)
		}
	}
	sum := Summarize(p, s)
	// Sent late by 15 ms more each time (the worker is busy): 0, 15, …, 135.
	if sum.P50 != 85 || sum.P99 != 160 || sum.Max != 160 || sum.ServiceP99 != 25 || sum.SendLateP50 != 60 {
		t.Errorf("summary %+v", sum)
	}
	// 10 requests completed by 250 ms.
	if sum.Achieved != 40 {
		t.Errorf("achieved %v, want 40", sum.Achieved)
	}
}

// A server faster than the schedule: latency is the service time, and the
// sender waits for each due time.
func TestOnSchedule(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	p := Plan{Rate: 50, Duration: time.Second, Conns: 1}
	s := Run(context.Background(), clk, p, serviceOf(clk, 3*time.Millisecond))
	if len(s) != 50 {
		t.Fatalf("%d samples", len(s))
	}
	for i, x := range s {
		if x.Latency() != 3*time.Millisecond || x.Sent != x.Scheduled {
			t.Fatalf("request %d: %+v", i, x)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for p, want := range map[float64]time.Duration{50: 50, 90: 90, 99: 99, 100: 100, 0: 1} {
		if got := Percentile(d, p); got != want*time.Millisecond {
			t.Errorf("p%v = %v, want %vms", p, got, want)
		}
	}
}

// MaxRate on a server of capacity 250/s (4 ms per request, one connection):
// 50, 100 and 200/s pass, 400/s and the bisection at 300/s fall behind.
func TestMaxRate(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	best, steps := MaxRate(context.Background(), clk, 50, 10000, time.Second, 1, serviceOf(clk, 4*time.Millisecond),
		func(s Summary) bool { return s.P99 <= 50 })
	if best.Offered != 200 {
		t.Fatalf("best %v, steps %+v", best.Offered, steps)
	}
	if len(steps) != 5 || steps[4].Offered != 300 {
		t.Fatalf("steps %+v", steps)
	}
}

// With the real clock and several connections, every request is sent and
// latencies are at least the service time.
func TestRealClock(t *testing.T) {
	p := Plan{Rate: 1000, Duration: 200 * time.Millisecond, Conns: 8}
	s := Run(context.Background(), RealClock{}, p, func(context.Context, int) error {
		time.Sleep(time.Millisecond)
		return nil
	})
	if len(s) != 200 {
		t.Fatalf("%d samples", len(s))
	}
	for _, x := range s {
		if x.Latency() < time.Millisecond || x.Sent < x.Scheduled {
			t.Fatalf("%+v", x)
		}
	}
}

// A run cut off by its time cap reports the requests it never sent as
// errors with the latency they had reached, not as missing.
func TestCutOff(t *testing.T) {
	p := Plan{Rate: 100, Duration: time.Second, Conns: 2}
	s := RunFor(context.Background(), RealClock{}, p, 0, 150*time.Millisecond, func(ctx context.Context, i int) error {
		select {
		case <-time.After(time.Second):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	if len(s) != 100 {
		t.Fatalf("%d samples, want all 100", len(s))
	}
	sum := Summarize(p, s)
	if sum.Errors != 100 || sum.Unsent < 90 {
		t.Fatalf("summary %+v", sum)
	}
	if sum.Max < 100 {
		t.Fatalf("max latency %v ms, want about the cap", sum.Max)
	}
}

// With or without a spin, the real clock never returns before the due time
// (how late it returns is measured by the harness: Summary.SendLateP50).
func TestRealClockNeverEarly(t *testing.T) {
	for _, clk := range []RealClock{{}, {Spin: 2 * time.Millisecond}} {
		start := time.Now()
		for i := 1; i <= 10; i++ {
			due := start.Add(time.Duration(i) * 3 * time.Millisecond)
			clk.SleepUntil(context.Background(), due)
			if l := time.Since(due); l < 0 {
				t.Fatalf("spin %v: woke %v early", clk.Spin, -l)
			}
		}
	}
}

// LowRateClock spins for the latency runs only, never for the rates of a
// max-rate search.
func TestLowRateClock(t *testing.T) {
	tests := []struct {
		rate float64
		spin bool
	}{{5, true}, {50, true}, {51, false}, {5120, false}, {0, false}}
	for _, tt := range tests {
		if got := LowRateClock(Plan{Rate: tt.rate}).Spin > 0; got != tt.spin {
			t.Errorf("rate %v: spin %v, want %v", tt.rate, got, tt.spin)
		}
	}
}
