// Package load is an open-loop load generator: requests are sent on a fixed
// schedule (request i at start + i/rate), and each latency is measured from
// the time the request was *scheduled*, not from when it was actually sent.
// A slow response therefore counts against every request queued behind it
// (no coordinated omission), as with wrk2.
//
// The schedule is split over Conns workers (worker k sends requests k,
// k+Conns, ...), like wrk2's connections: a worker that falls behind sends its
// next request at once, and the wait shows in that request's latency.
package load

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"time"
)

// Clock is the time source; tests use a fake one.
type Clock interface {
	Now() time.Time
	// SleepUntil returns at t or later (at once when t has passed), or
	// earlier when ctx ends.
	SleepUntil(ctx context.Context, t time.Time)
}

// RealClock is the wall clock.
//
// Go's timers wake late when the process is idle: on the 2-vCPU VM of 26
// Nov 2026, a timer due every 100 ms fired 0.55 ms late at the median and
// up to 1.2 ms late (the runtime's poller sleeps in whole milliseconds). An
// open-loop tool counts that lateness in every latency it reports, so with
// Spin set, SleepUntil sleeps until Spin before t and waits out the rest in
// a loop (then lateness is a few microseconds). The loop burns a core for
// up to Spin per request: use it for low rates only (LowRateClock).
type RealClock struct {
	Spin time.Duration
}

// LowRateClock is the clock for a plan: RealClock with a 2 ms spin when the
// plan sends at most 50 requests per second (at most 10 % of one core
// spinning), plain RealClock above.
func LowRateClock(p Plan) RealClock {
	if p.Rate > 0 && p.Rate <= 50 {
		return RealClock{Spin: 2 * time.Millisecond}
	}
	return RealClock{}
}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// SleepUntil sleeps until t.
func (c RealClock) SleepUntil(ctx context.Context, t time.Time) {
	d := time.Until(t) - c.Spin
	if d > 0 {
		tm := time.NewTimer(d)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-ctx.Done():
			return
		}
	}
	for c.Spin > 0 && time.Now().Before(t) && ctx.Err() == nil {
		runtime.Gosched()
	}
}

// Plan is a fixed-rate schedule.
type Plan struct {
	Rate     float64       // requests per second
	Duration time.Duration // length of the schedule
	Conns    int           // workers (default 1)
}

// Requests is how many requests the plan schedules.
func (p Plan) Requests() int { return int(math.Round(p.Rate * p.Duration.Seconds())) }

// Scheduled is when request i is due, relative to the start.
func (p Plan) Scheduled(i int) time.Duration {
	return time.Duration(float64(i) / p.Rate * float64(time.Second))
}

// Sample is one request's timing.
type Sample struct {
	Scheduled time.Duration // due, from the start
	Sent      time.Duration // actually sent, from the start
	Done      time.Duration // completed, from the start
	Err       bool
	Unsent    bool // never sent: the run was cut off
}

// Latency is what a user saw: from due to done.
func (s Sample) Latency() time.Duration { return s.Done - s.Scheduled }

// Service is the time the request itself took, from send to done (what a
// closed-loop tool would report).
func (s Sample) Service() time.Duration { return s.Done - s.Sent }

// Do sends request i and reports whether it succeeded.
type Do func(ctx context.Context, i int) error

// Run runs plan against do and returns every sample, indexed by request.
// When ctx ends first (a time cap on an overloaded server), requests not yet
// sent count as errors that completed at that moment, so that percentiles
// stay a lower bound of what users would see instead of dropping the worst.
func Run(ctx context.Context, clk Clock, p Plan, do Do) []Sample {
	n := p.Requests()
	conns := max(1, p.Conns)
	samples := make([]Sample, n)
	sent := make([]bool, n)
	start := clk.Now()
	var wg sync.WaitGroup
	for k := 0; k < conns; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for i := k; i < n; i += conns {
				due := p.Scheduled(i)
				clk.SleepUntil(ctx, start.Add(due))
				if ctx.Err() != nil {
					return
				}
				s := Sample{Scheduled: due, Sent: clk.Now().Sub(start)}
				err := do(ctx, i)
				s.Done = clk.Now().Sub(start)
				s.Err = err != nil
				samples[i] = s
				sent[i] = true
			}
		}(k)
	}
	wg.Wait()
	end := clk.Now().Sub(start)
	for i := range samples {
		if !sent[i] {
			samples[i] = Sample{Scheduled: p.Scheduled(i), Sent: end, Done: max(end, p.Scheduled(i)), Err: true, Unsent: true}
		}
	}
	return samples
}

// RunFor is Run with a time cap: the plan's duration times factor plus slack.
func RunFor(ctx context.Context, clk Clock, p Plan, factor float64, slack time.Duration, do Do) []Sample {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(float64(p.Duration)*factor)+slack)
	defer cancel()
	return Run(ctx, clk, p, do)
}

// Summary is what a run measured.
type Summary struct {
	Offered    float64 `json:"offered_rps"`
	Achieved   float64 `json:"achieved_rps"` // completed requests over the time to complete them
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Unsent     int     `json:"unsent"` // cut off by the time cap (counted in errors too)
	P50        float64 `json:"p50_ms"`
	P90        float64 `json:"p90_ms"`
	P99        float64 `json:"p99_ms"`
	Max        float64 `json:"max_ms"`
	ServiceP50 float64 `json:"service_p50_ms"` // send-to-done, for comparison
	ServiceP99 float64 `json:"service_p99_ms"`
	// SendLateP50 is the median time from due to sent: the tool's own
	// lateness (its clock's wake-up), plus any wait for a busy worker.
	SendLateP50 float64 `json:"send_late_p50_ms"`
}

// Summarize computes percentiles of latency (from the scheduled time).
func Summarize(p Plan, samples []Sample) Summary {
	s := Summary{Offered: p.Rate, Requests: len(samples)}
	if len(samples) == 0 {
		return s
	}
	lat := make([]time.Duration, len(samples))
	svc := make([]time.Duration, len(samples))
	late := make([]time.Duration, len(samples))
	var end time.Duration
	for i, x := range samples {
		lat[i], svc[i], late[i] = x.Latency(), x.Service(), x.Sent-x.Scheduled
		end = max(end, x.Done)
		if x.Err {
			s.Errors++
		}
		if x.Unsent {
			s.Unsent++
		}
	}
	slices.Sort(lat)
	slices.Sort(svc)
	s.P50, s.P90, s.P99 = ms(Percentile(lat, 50)), ms(Percentile(lat, 90)), ms(Percentile(lat, 99))
	s.Max = ms(lat[len(lat)-1])
	s.ServiceP50, s.ServiceP99 = ms(Percentile(svc, 50)), ms(Percentile(svc, 99))
	slices.Sort(late)
	s.SendLateP50 = ms(Percentile(late, 50))
	if end > 0 {
		s.Achieved = float64(len(samples)) / end.Seconds()
	}
	return s
}

// Percentile is the nearest-rank percentile of sorted durations.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// MaxRate finds the highest rate at which the latency stays acceptable:
// it starts at from and doubles while ok(summary) holds, then bisects once
// between the last good and the first bad rate. It returns the best passing
// summary (zero when even the first rate failed) and every step.
func MaxRate(ctx context.Context, clk Clock, from float64, limit float64, step time.Duration, conns int, do Do,
	ok func(Summary) bool) (Summary, []Summary) {
	var best Summary
	var steps []Summary
	try := func(rate float64) bool {
		p := Plan{Rate: rate, Duration: step, Conns: conns}
		s := Summarize(p, RunFor(ctx, clk, p, 2, 5*time.Second, do))
		steps = append(steps, s)
		pass := ok(s) && ctx.Err() == nil
		if !pass {
			return false
		}
		if pass && s.Offered > best.Offered {
			best = s
		}
		return pass
	}
	rate := from
	for rate <= limit && try(rate) {
		rate *= 2
	}
	if rate <= limit && best.Offered > 0 && ctx.Err() == nil {
		try((best.Offered + rate) / 2)
	}
	return best, steps
}
