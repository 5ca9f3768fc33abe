package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/congkhai/congkhai/bench/load"
)

// Figure is one measured number with its baseline from the same run.
type Figure struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Value        *float64 `json:"value"` // nil: not measured (see Note)
	Unit         string   `json:"unit"`
	Baseline     *float64 `json:"baseline,omitempty"`
	BaselineName string   `json:"baseline_name,omitempty"`
	// Ratio is value/baseline, or baseline/value for figures where lower is
	// better, so that > 1 always means the portal is ahead; see RatioMeaning.
	Ratio        *float64 `json:"ratio,omitempty"`
	RatioMeaning string   `json:"ratio_meaning,omitempty"`
	Target       string   `json:"target,omitempty"`
	Met          *bool    `json:"met,omitempty"`
	Load1        float64  `json:"load1"` // 1-minute load average when measured
	Note         string   `json:"note,omitempty"`
}

// ScalePoint is the scaling curve at one corpus size.
type ScalePoint struct {
	Notices          int          `json:"notices"`
	Rows             int          `json:"rows"`
	Docs             int          `json:"docs"`
	BuildSeconds     float64      `json:"build_s"`
	BuildDocsPerSec  float64      `json:"build_docs_per_s"`
	BuildNoticesPerS float64      `json:"build_notices_per_s"` // notices over the whole build time (rows included in the time)
	BuildPeakRSSMB   float64      `json:"build_peak_rss_mb"`
	NoticePhasePerS  float64      `json:"build_notice_phase_per_s"` // notices and datasets indexed per second before the tables
	ContentLoadS     float64      `json:"build_content_load_s"`     // the content load before indexing
	NoticePhaseS     float64      `json:"build_notice_phase_s"`     // indexing the notices and datasets, after the content load
	NoticePhaseDocs  int          `json:"build_notice_phase_docs"`  // documents indexed before the tables
	ListenMs         float64      `json:"restart_listen_ms"`        // process start to listening, existing index
	ReadyMs          float64      `json:"restart_ready_ms"`         // process start to /healthz index.synced
	ChangeP50Ms      float64      `json:"change_p50_ms"`
	ChangeMaxMs      float64      `json:"change_max_ms"`
	ChangeRuns       int          `json:"change_runs"`
	RSSMB            float64      `json:"rss_mb"`
	HWMMB            float64      `json:"hwm_mb"`
	IndexMB          float64      `json:"index_mb"`
	RawMB            float64      `json:"raw_text_mb"`
	IndexRatio       float64      `json:"index_to_raw"`
	Search           load.Summary `json:"search"`
	Load1            float64      `json:"load1"`
}

// Machine describes where the run happened.
type Machine struct {
	NProc     int     `json:"nproc"`
	MemMB     int     `json:"mem_mb"`
	CPU       string  `json:"cpu"`
	GoVersion string  `json:"go_version"`
	Commit    string  `json:"git_commit"`
	Dirty     bool    `json:"git_dirty"`
	Kernel    string  `json:"kernel"`
	LoadStart float64 `json:"load1_start"`
	LoadEnd   float64 `json:"load1_end"`
	Postgres  string  `json:"postgres,omitempty"`
	Wrk       string  `json:"wrk,omitempty"`
	Nginx     string  `json:"nginx,omitempty"`
}

// Results is everything a run writes to results.json.
type Results struct {
	Date     string         `json:"date"`
	Mode     string         `json:"mode"` // quick or full
	Seed     uint64         `json:"seed"`
	Corpus   string         `json:"corpus"`
	Machine  Machine        `json:"machine"`
	Figures  []Figure       `json:"figures"`
	Scaling  []ScalePoint   `json:"scaling"`
	Folding  []FoldResult   `json:"folding,omitempty"`
	Raw      map[string]any `json:"raw,omitempty"` // every load summary and step
	Seconds  float64        `json:"seconds"`
	Warnings []string       `json:"warnings,omitempty"`
}

// FoldResult is one folding-test query and whether each engine found the notice.
type FoldResult struct {
	Query    string `json:"q"`
	Form     string `json:"form"`
	Expect   string `json:"expect"`
	Portal   bool   `json:"portal"`
	Postgres *bool  `json:"postgres,omitempty"`
}

// RequiredFigures are the IDs every results file has (measured or marked
// not measured): issue 6's figures, the machine's latency floor and the
// capped-memory run.
var RequiredFigures = []string{
	"search_p50", "search_p90", "search_p99", "search_floor", "search_cached_p99", "search_max_rps", "search_broad_p99",
	"folding", "build_rate", "restart_ready", "change_to_searchable", "rss", "rss_capped", "index_size",
	"page_home", "page_notice", "page_dataset", "page_search",
	"feed_vs_static", "feedback_sqlite", "feedback_postgres",
}

var figureNames = map[string]string{
	"search_p50":                    "Search latency p50 (query mix, HTTP, open loop, past the answer cache)",
	"search_p90":                    "Search latency p90 (query mix)",
	"search_p99":                    "Search latency p99 (query mix)",
	"search_floor":                  "Search latency floor of this machine: a constant answer, same load (p50)",
	"search_thesaurus_p50":          "Search latency with the thesaurus, beside the same binary without it (query mix, p50)",
	"search_thesaurus_p99":          "Search latency with the thesaurus, beside the same binary without it (query mix, p99)",
	"search_thesaurus_citizens_p50": "Search latency with the thesaurus, beside the same binary without it (citizens' queries, p50)",
	"search_thesaurus_citizens_p99": "Search latency with the thesaurus, beside the same binary without it (citizens' queries, p99)",
	"search_max_rps":                "Search max sustainable rate (p99 ≤ 200 ms)",
	"search_cached_p99":             "Search latency p99 as deployed (answer cache on, Zipf repeats)",
	"search_broad_p99":              "Search p99, broadest single syllables",
	"folding":                       "Folding test: queries finding their notice in the top 10",
	"build_rate":                    "Cold index build",
	"restart_ready":                 "Restart to ready (existing index)",
	"change_to_searchable":          "File change to searchable (p50)",
	"rss":                           "Resident memory while serving (VmHWM)",
	"rss_capped":                    "Serving inside a 600 MB memory cgroup (cgroup peak charge)",
	"index_size":                    "Index size on disk / raw text",
	"page_home":                     "Page throughput: home",
	"page_notice":                   "Page throughput: notice",
	"page_dataset":                  "Page throughput: dataset table page",
	"page_search":                   "Page throughput: search page",
	"feed_vs_static":                "Feed (/feed.atom) vs the portal's static route",
	"feedback_sqlite":               "Feedback submissions/s, durable, SQLite",
	"feedback_postgres":             "Feedback submissions/s, durable, PostgreSQL",
}

func f64(v float64) *float64 { return &v }
func boolp(v bool) *bool     { return &v }

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// add records a figure. higherBetter says which way the ratio points.
func (r *Results) add(id string, value float64, unit string, baseline *float64, baselineName string, higherBetter bool,
	target string, met *bool, note string) {
	f := Figure{ID: id, Name: figureNames[id], Value: f64(round(value, 2)), Unit: unit, BaselineName: baselineName,
		Target: target, Met: met, Note: note, Load1: loadAvg()}
	if baseline != nil {
		f.Baseline = f64(round(*baseline, 2))
		if value > 0 && *baseline > 0 {
			if higherBetter {
				f.Ratio = f64(round(value / *baseline, 2))
				f.RatioMeaning = "portal / baseline (higher is better)"
			} else {
				f.Ratio = f64(round(*baseline/value, 2))
				f.RatioMeaning = "baseline / portal (higher: portal faster)"
			}
		}
	}
	r.set(f)
}

// skip records a figure that was not measured, and why.
func (r *Results) skip(id, why string) {
	r.set(Figure{ID: id, Name: figureNames[id], Note: "NOT YET MEASURED: " + why, Load1: loadAvg()})
}

func (r *Results) set(f Figure) {
	for i := range r.Figures {
		if r.Figures[i].ID == f.ID {
			r.Figures[i] = f
			return
		}
	}
	r.Figures = append(r.Figures, f)
}

// complete marks every required figure that is missing as not measured, and
// orders figures as RequiredFigures.
func (r *Results) complete() {
	have := map[string]Figure{}
	for _, f := range r.Figures {
		have[f.ID] = f
	}
	var out []Figure
	for _, id := range RequiredFigures {
		f, ok := have[id]
		if !ok {
			f = Figure{ID: id, Name: figureNames[id], Note: "NOT YET MEASURED: the run did not reach it"}
		}
		out = append(out, f)
		delete(have, id)
	}
	for _, f := range r.Figures {
		if _, ok := have[f.ID]; ok {
			out = append(out, f)
		}
	}
	r.Figures = out
}

func fmtNum(p *float64) string {
	if p == nil {
		return "—"
	}
	v := *p
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// Markdown renders the results as tables.
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# congkhai benchmark — %s mode, %s\n\n", r.Mode, r.Date)
	m := r.Machine
	dirty := ""
	if m.Dirty {
		dirty = " (uncommitted changes)"
	}
	fmt.Fprintf(&b, "Machine: %d cores (%s), %d MB, %s, commit %s%s; load average %.2f at start, %.2f at end. Run took %.0f s.\n\n",
		m.NProc, m.CPU, m.MemMB, m.GoVersion, m.Commit, dirty, m.LoadStart, m.LoadEnd, r.Seconds)
	fmt.Fprintf(&b, "Corpus: %s.\n\n", r.Corpus)
	b.WriteString("| figure | portal | baseline | ratio | target | met | load1 | notes |\n|---|---|---|---|---|---|---|---|\n")
	for _, f := range r.Figures {
		val := "**not yet measured**"
		if f.Value != nil {
			val = fmtNum(f.Value) + " " + f.Unit
		}
		base := "—"
		if f.Baseline != nil {
			base = fmtNum(f.Baseline) + " " + f.Unit + " (" + f.BaselineName + ")"
		}
		ratio := "—"
		if f.Ratio != nil {
			ratio = fmt.Sprintf("%.2f×", *f.Ratio)
		}
		met := "—"
		if f.Met != nil {
			met = map[bool]string{true: "yes", false: "**no**"}[*f.Met]
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %.2f | %s |\n", f.Name, val, base, ratio, f.Target, met, f.Load1,
			strings.ReplaceAll(f.Note, "|", "/"))
	}
	b.WriteString("\nRatios: for throughput, portal ÷ baseline; for latency and time, baseline ÷ portal; so above 1 the portal is ahead.\n")
	if len(r.Scaling) > 0 {
		b.WriteString("\n## Scaling\n\n| notices | rows | docs | build s | docs/s | notices/s | build peak RSS MB | listen ms | ready ms | change p50 / max ms | RSS / HWM MB | index MB | raw MB | index/raw | search p50 / p99 ms | load1 |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, s := range r.Scaling {
			fmt.Fprintf(&b, "| %d | %d | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f / %.0f (%d runs) | %.0f / %.0f | %.1f | %.1f | %.2f | %.2f / %.2f | %.2f |\n",
				s.Notices, s.Rows, s.Docs, s.BuildSeconds, s.BuildDocsPerSec, s.BuildNoticesPerS, s.BuildPeakRSSMB, s.ListenMs, s.ReadyMs,
				s.ChangeP50Ms, s.ChangeMaxMs, s.ChangeRuns, s.RSSMB, s.HWMMB, s.IndexMB, s.RawMB, s.IndexRatio, s.Search.P50, s.Search.P99, s.Load1)
		}
	}
	if len(r.Folding) > 0 {
		b.WriteString("\n## Folding test\n\n| query | typed | portal | PostgreSQL |\n|---|---|---|---|\n")
		for _, f := range r.Folding {
			pg := "—"
			if f.Postgres != nil {
				pg = map[bool]string{true: "found", false: "**missed**"}[*f.Postgres]
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", strings.ReplaceAll(f.Query, "|", "/"), f.Form,
				map[bool]string{true: "found", false: "**missed**"}[f.Portal], pg)
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, w := range r.Warnings {
			b.WriteString("- " + w + "\n")
		}
	}
	return b.String()
}

// write saves results.json, results.md and plot.svg into dir.
func (r *Results) write(dir string) error {
	r.complete()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), j, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(r.Markdown()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "scaling.svg"), []byte(plotSVG(r.Scaling)), 0o644)
}
