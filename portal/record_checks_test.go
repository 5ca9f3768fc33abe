package portal

import (
	"testing"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/msg"
)

// A change's export is read once for a site generation, dataset settings and
// file content; any of them changed reads it again.
func TestRecordChecks(t *testing.T) {
	var c recordChecks
	reads := 0
	read := func() []content.Problem {
		reads++
		return []content.Problem{{Path: "x.csv", Msg: msg.New("%v", "bad")}}
	}
	d := &content.Dataset{Kind: content.KindDossiers, Agency: "ubnd-xa"}
	other := &content.Dataset{Kind: content.KindDossiers, Agency: "ubnd-xa", Drop: []string{"Ghi chú"}}
	steps := []struct {
		name  string
		gen   uint64
		d     *content.Dataset
		file  string
		b     string
		reads int
	}{
		{"first", 1, d, "x.csv", "a", 1},
		{"again", 1, d, "x.csv", "a", 1},
		{"other content", 1, d, "x.csv", "b", 2},
		{"other name", 1, d, "y.csv", "a", 3},
		{"other drop", 1, other, "x.csv", "a", 4},
		{"other generation", 2, d, "x.csv", "a", 5},
		{"first again", 1, d, "x.csv", "a", 5},
	}
	for _, s := range steps {
		ps := c.read(s.gen, s.d, s.file, []byte(s.b), read)
		if reads != s.reads || len(ps) != 1 || ps[0].Msg.String() != "bad" {
			t.Errorf("%s: %d reads, problems %v; want %d reads", s.name, reads, ps, s.reads)
		}
	}
	for i := range recordChecksMax + 1 {
		c.read(3, d, "x.csv", []byte{byte(i)}, read)
	}
	if len(c.m) > recordChecksMax {
		t.Errorf("%d files remembered, at most %d", len(c.m), recordChecksMax)
	}
}
