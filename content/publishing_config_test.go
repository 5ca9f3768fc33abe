package content

import (
	"slices"
	"testing"
)

// TestPublishingConfig: site.yaml's publishing.direct keeps the agencies the
// site has and reports the others; units names one of the two lists.
func TestPublishingConfig(t *testing.T) {
	tests := []struct {
		name, yaml string
		direct     []string
		units      string
		problem    string
		line       int
	}{
		{"defaults", "title: T\n", nil, DefaultUnits, "", 0},
		{"direct agencies", "title: T\npublishing:\n  direct: [so-tai-chinh, ubnd-tinh]\nunits: vn-units-34\n", []string{"so-tai-chinh", "ubnd-tinh"}, UnitsAfter, "", 0},
		{"unknown agency", "title: T\npublishing:\n  direct:\n    - so-tai-chinh\n    - so-khong-co\n", []string{"so-tai-chinh"}, DefaultUnits, `publishing.direct: "so-khong-co" is not an agency`, 5},
		{"unknown list", "title: T\nunits: vn-units-99\n", nil, DefaultUnits, `units "vn-units-99" is not a list`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := baseSite()
			files["site.yaml"] = tt.yaml
			s, ps := mustLoad(t, mapFS(files), nil)
			if !slices.Equal(s.Config.Publishing.Direct, tt.direct) || s.Config.Units != tt.units {
				t.Errorf("direct = %q, units = %q; want %q, %q", s.Config.Publishing.Direct, s.Config.Units, tt.direct, tt.units)
			}
			for _, a := range tt.direct {
				if !s.Config.PublishesDirectly(a) {
					t.Errorf("PublishesDirectly(%q) = false", a)
				}
			}
			if s.Config.PublishesDirectly("so-khong-co") {
				t.Error("an unknown agency publishes directly")
			}
			if tt.problem != "" && !hasProblem(ps, "site.yaml", tt.line, tt.problem) {
				t.Errorf("problems lack site.yaml:%d: %q; got:\n%s", tt.line, tt.problem, problemsString(ps))
			}
			if tt.problem == "" {
				for _, p := range ps {
					if p.Path == "site.yaml" {
						t.Errorf("unexpected problem %s", p)
					}
				}
			}
		})
	}
}
