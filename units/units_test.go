package units

import "testing"

func TestLists(t *testing.T) {
	tests := []struct {
		list                           string
		provinces, districts, communes int
	}{
		{Before2025, 63, 696, 10035},
		{After2025, 34, 0, 3321},
	}
	for _, tt := range tests {
		l, err := Load(tt.list)
		if err != nil {
			t.Fatal(err)
		}
		d, c := 0, 0
		for _, p := range l.Provinces {
			d += len(p.Districts)
			c += len(p.Communes)
			for _, di := range p.Districts {
				c += len(di.Communes)
			}
		}
		if len(l.Provinces) != tt.provinces || d != tt.districts || c != tt.communes {
			t.Errorf("%s: %d provinces, %d districts, %d communes; want %d, %d, %d", tt.list, len(l.Provinces), d, c, tt.provinces, tt.districts, tt.communes)
		}
	}
	if _, err := Load("vn-units-99"); err == nil {
		t.Error("Load(vn-units-99) succeeded")
	}
}

func TestLookup(t *testing.T) {
	l, err := Load(Before2025)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Tỉnh Hà Tĩnh", "Hà Tĩnh", "tinh ha tinh", "  Tỉnh  Hà Tĩnh "} {
		if p, ok := l.Province(name); !ok || p.Name != "Tỉnh Hà Tĩnh" {
			t.Errorf("Province(%q) = %v, %v", name, p, ok)
		}
	}
	if p, ok := l.Province("Thanh Hóa"); !ok || p.Code != "38" {
		t.Errorf(`Province("Thanh Hóa") = %v, %v`, p, ok)
	}
	ht, _ := l.Province("Hà Tĩnh")
	u, d, ok := ht.Commune("", "Xã Cẩm Quan")
	if !ok || d.Name != "Huyện Cẩm Xuyên" || u.Name != "Xã Cẩm Quan" {
		t.Errorf("Commune(Cẩm Quan) = %v, %v, %v", u, d, ok)
	}
	if _, _, ok := ht.Commune("Huyện Kỳ Anh", "Xã Cẩm Quan"); ok {
		t.Error("Cẩm Quan found in Kỳ Anh")
	}
	if _, ok := ht.District("huyen cam xuyen"); !ok {
		t.Error("District(huyen cam xuyen) not found")
	}
	l34, _ := Load(After2025)
	p34, ok := l34.Province("Tỉnh Hà Tĩnh")
	if !ok || len(p34.Districts) != 0 || len(p34.Communes) == 0 {
		t.Fatalf("after 2025: %v %v", p34, ok)
	}
	if _, d, ok := p34.Commune("", p34.Communes[0].Name); !ok || d != nil {
		t.Errorf("after 2025: first commune not found without a district")
	}
}
