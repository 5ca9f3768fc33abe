package units

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The names of the embedded lists.
const (
	Before2025 = "vn-units-63" // 63 provinces, districts, communes (the default)
	After2025  = "vn-units-34" // 34 provinces, communes, no districts
)

//go:embed vn-units-63.json
var units63 []byte

//go:embed vn-units-34.json
var units34 []byte

// List is one list of administrative units.
type List struct {
	Name      string // Before2025 or After2025
	Provinces []Province
}

// Province is a province or centrally-run city. A province of the list before
// 2025 has districts, each with its communes; one of the list after 2025 has
// its communes directly.
type Province struct {
	Code      string
	Name      string // "Tỉnh Hà Tĩnh"
	Districts []District
	Communes  []Unit
}

// District is a district, town or provincial city.
type District struct {
	Code     string
	Name     string // "Huyện Cẩm Xuyên"
	Communes []Unit
}

// Unit is a commune, ward or township.
type Unit struct {
	Code string
	Name string // "Xã Cẩm Quan"
}

var (
	mu     sync.Mutex
	loaded = map[string]*List{}
)

// Names are the lists the package has, the default first.
func Names() []string { return []string{Before2025, After2025} }

// Load returns the list of that name (Before2025 or After2025), parsed once.
// It fails for another name.
func Load(name string) (*List, error) {
	mu.Lock()
	defer mu.Unlock()
	if l, ok := loaded[name]; ok {
		return l, nil
	}
	var l *List
	var err error
	switch name {
	case Before2025:
		l, err = parse63(units63)
	case After2025:
		l, err = parse34(units34)
	default:
		return nil, fmt.Errorf("units: no list %q (%s or %s)", name, Before2025, After2025)
	}
	if err != nil {
		return nil, fmt.Errorf("units: %s: %w", name, err)
	}
	l.Name = name
	loaded[name] = l
	return l, nil
}

func parse63(b []byte) (*List, error) {
	var raw []struct {
		Code, FullName string
		District       []struct {
			Code, FullName string
			Ward           []struct{ Code, FullName string }
		}
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	l := &List{}
	for _, p := range raw {
		pr := Province{Code: p.Code, Name: clean(p.FullName)}
		for _, d := range p.District {
			di := District{Code: d.Code, Name: clean(d.FullName)}
			for _, w := range d.Ward {
				di.Communes = append(di.Communes, Unit{Code: w.Code, Name: clean(w.FullName)})
			}
			pr.Districts = append(pr.Districts, di)
		}
		l.Provinces = append(l.Provinces, pr)
	}
	return l, nil
}

func parse34(b []byte) (*List, error) {
	var raw []struct {
		Code, FullName string
		Wards          []struct{ Code, FullName string }
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	l := &List{}
	for _, p := range raw {
		pr := Province{Code: p.Code, Name: clean(p.FullName)}
		for _, w := range p.Wards {
			pr.Communes = append(pr.Communes, Unit{Code: w.Code, Name: clean(w.FullName)})
		}
		l.Provinces = append(l.Provinces, pr)
	}
	return l, nil
}

func clean(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }

// Province returns the province of that name, as site.yaml writes it: "Tỉnh
// Hà Tĩnh", "Hà Tĩnh", "tinh ha tinh" and "Thanh Hóa" for "Thanh Hoá" all
// name one province.
func (l *List) Province(name string) (*Province, bool) {
	k := Key(name)
	for i := range l.Provinces {
		if Key(l.Provinces[i].Name) == k {
			return &l.Provinces[i], true
		}
	}
	return nil, false
}

// District returns the district of that name (as Key compares names).
func (p *Province) District(name string) (*District, bool) {
	k := Key(name)
	for i := range p.Districts {
		if Key(p.Districts[i].Name) == k {
			return &p.Districts[i], true
		}
	}
	return nil, false
}

// Commune finds a commune of the province by name, and the district it is
// in (nil in a list without districts, or when district is given and does
// not hold it). With district "", the first commune of that name in any
// district is found.
func (p *Province) Commune(district, name string) (*Unit, *District, bool) {
	k := Key(name)
	if len(p.Districts) == 0 {
		for i := range p.Communes {
			if Key(p.Communes[i].Name) == k {
				return &p.Communes[i], nil, true
			}
		}
		return nil, nil, false
	}
	for i := range p.Districts {
		d := &p.Districts[i]
		if district != "" && Key(d.Name) != Key(district) {
			continue
		}
		for j := range d.Communes {
			if Key(d.Communes[j].Name) == k {
				return &d.Communes[j], d, true
			}
		}
	}
	return nil, nil, false
}

// prefixes are the kinds of province written before a province's name.
var prefixes = []string{"tinh ", "thanh pho "}

// Key is how names are compared: without diacritics or case, đ as d, spaces
// collapsed, and without the "Tỉnh"/"Thành phố" of a province (the lists
// write "Thanh Hoá" where other texts write "Thanh Hóa").
func Key(name string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(name))) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	s := b.String()
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}
