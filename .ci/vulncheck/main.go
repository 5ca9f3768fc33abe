// Command vulncheck reads govulncheck's JSON stream on standard input, prints
// one line per vulnerability found in the module's dependency graph and the
// standard library, and exits 1 when the code calls a vulnerable symbol that
// has a fixed version: upgrade that module (or the toolchain) to land.
// Vulnerabilities with no fix, or in code the project does not call, are
// listed and do not fail the run.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
		DB        string `json:"db"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string `json:"osv"`
		FixedVersion string `json:"fixed_version"`
		Trace        []struct {
			Module   string `json:"module"`
			Version  string `json:"version"`
			Package  string `json:"package"`
			Function string `json:"function"`
		} `json:"trace"`
	} `json:"finding"`
}

type vuln struct {
	id, summary, module, version, fixed string
	called                              bool
}

func main() {
	dec := json.NewDecoder(os.Stdin)
	vulns := map[string]*vuln{}
	summaries := map[string]string{}
	goVersion := ""
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulncheck: reading govulncheck's output:", err)
			os.Exit(2)
		}
		switch {
		case m.Config != nil:
			goVersion = m.Config.GoVersion
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			f := m.Finding
			v := vulns[f.OSV]
			if v == nil {
				v = &vuln{id: f.OSV, module: f.Trace[0].Module, version: f.Trace[0].Version, fixed: f.FixedVersion}
				vulns[f.OSV] = v
			}
			v.called = v.called || f.Trace[0].Function != ""
		}
	}
	ids := make([]string, 0, len(vulns))
	for id := range vulns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	failed := 0
	fmt.Printf("govulncheck with %s: %d vulnerabilities in the dependency graph\n", goVersion, len(ids))
	for _, id := range ids {
		v := vulns[id]
		where := "not called"
		if v.called {
			where = "CALLED"
		}
		fix := v.fixed
		if fix == "" {
			fix = "no fix"
		}
		verdict := "ok"
		if v.called && v.fixed != "" {
			verdict = "FAIL: upgrade"
			failed++
		} else if v.called {
			verdict = "called, no fixed version: see docs/security.md"
		}
		fmt.Printf("  %s %s@%s (fixed: %s) %s — %s: %s\n", id, v.module, v.version, fix, where, summaries[id], verdict)
	}
	if failed > 0 {
		fmt.Printf("%d called vulnerabilities have a fix\n", failed)
		os.Exit(1)
	}
}
