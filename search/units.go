package search

import (
	_ "embed"
	"strings"
)

// unitsText lists the provinces and communes renamed or merged in the 2025
// reform, derived from the official conversion table (see TestUnitsList).
//
//go:embed units2025.txt
var unitsText string

const unitsSource = "bảng chuyển đổi ĐVHC cấp xã 2025"

// provinceEntries are the provinces merged in the 2025 reform: each old
// name and the new one find each other.
func provinceEntries() []Entry {
	var out []Entry
	prov := ""
	for line := range strings.Lines(unitsText) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "["):
			prov = strings.Trim(line, "[]")
		case strings.HasPrefix(line, "< "):
			out = append(out, Entry{Terms: []string{strings.TrimPrefix(line, "< "), prov}, Source: unitsSource})
		}
	}
	return out
}

// UnitEntries are the communes and wards renamed or merged in the 2025
// reform in a province (named before or after the reform, with or without
// "Tỉnh"/"Thành phố", accents optional): each old name and the new one find
// each other. Nil for a province the list does not know.
func UnitEntries(province string) []Entry {
	want := Fold(unitName(province))
	if want == "" {
		return nil
	}
	var out []Entry
	in := false
	for line := range strings.Lines(unitsText) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#") || line == "":
		case strings.HasPrefix(line, "["):
			in = Fold(strings.Trim(line, "[]")) == want
		case strings.HasPrefix(line, "< "):
			if Fold(strings.TrimPrefix(line, "< ")) == want {
				in = true
			}
		case in:
			if old, new, ok := strings.Cut(line, " = "); ok {
				out = append(out, Entry{Terms: []string{old, new}, Source: unitsSource})
			}
		}
	}
	return out
}

// unitName strips the kind of unit: "Xã Cẩm Quan" → "Cẩm Quan".
func unitName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, kind := range []string{"Thành phố", "Thị trấn", "Thị xã", "Tỉnh", "Xã", "Phường", "Đặc khu", "Quận", "Huyện"} {
		if rest, ok := strings.CutPrefix(s, kind+" "); ok {
			return rest
		}
	}
	return s
}
