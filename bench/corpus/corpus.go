package corpus

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/content"
)

// Version changes whenever the generator's output does; caches key on it.
const Version = 2

// Config says what to generate.
type Config struct {
	Notices int    // number of notices
	Rows    int    // land-price rows in total, over all tables
	Seed    uint64 // same seed, same bytes
	DataDir string // the shared data folder; "" or missing files: synthetic text
}

// Agency is one agency folder.
type Agency struct {
	Slug, Name, ShortName, Kind, Parent string
	District, Commune                   string // its area ("" for the province)
	Code                                string // issuer code in document numbers: UBND, STC...
}

// Place is a place a notice concerns.
type Place struct{ Province, District, Commune string }

// Notice is one generated notice.
type Notice struct {
	Index     int
	Agency    *Agency
	Slug      string
	Title     string
	Category  string
	Number    string
	Signer    string
	Published time.Time
	Place     Place
	Tags      []string
	Body      string // markdown: paragraphs separated by blank lines
}

// Path is the notice's content path and URL path without the leading slash.
func (n *Notice) Path() string { return n.Agency.Slug + "/" + n.Slug }

// Dataset is one land-price dataset with one table.
type Dataset struct {
	Index    int
	Agency   *Agency
	Slug     string
	Title    string
	District string
	Communes []string
	Table    string // table name (file without .csv)
	Rows     int
	Year     int
}

// Row is one land-price row.
type Row struct {
	Commune, Road, From, To string
	VT                      [4]int64 // thousand đồng per m²
}

// Corpus is a generator for one Config. Notices and rows are derived from
// (seed, index), so any part can be regenerated without the rest.
type Corpus struct {
	Cfg      Config
	Src      *Source
	Province Unit
	Agencies []*Agency
	Datasets []*Dataset
}

// Categories are the seven canonical categories with their share of notices (percent).
var Categories = []struct {
	Slug  string
	Share int
}{
	{"thong-bao", 30}, {"ngan-sach", 14}, {"quy-hoach", 12}, {"gia-dat", 8},
	{"boi-thuong", 12}, {"du-thao", 8}, {"thu-tuc", 16},
}

var departments = []struct{ name, short, code string }{
	{"Sở Tài chính", "STC", "STC"},
	{"Sở Tài nguyên và Môi trường", "STNMT", "STNMT"},
	{"Sở Xây dựng", "SXD", "SXD"},
	{"Sở Kế hoạch và Đầu tư", "SKHĐT", "SKHĐT"},
	{"Sở Giao thông vận tải", "SGTVT", "SGTVT"},
	{"Sở Tư pháp", "STP", "STP"},
	{"Sở Nội vụ", "SNV", "SNV"},
	{"Sở Nông nghiệp và Phát triển nông thôn", "SNN", "SNN"},
	{"Sở Giáo dục và Đào tạo", "SGDĐT", "SGDĐT"},
	{"Sở Y tế", "SYT", "SYT"},
	{"Sở Lao động - Thương binh và Xã hội", "SLĐTBXH", "SLĐTBXH"},
	{"Sở Công Thương", "SCT", "SCT"},
}

var docTypes = []string{"QĐ", "QĐ", "QĐ", "TB", "TB", "KH", "CV", "NQ", "BC", "HD"}

var tagPool = []string{"dự toán", "quyết toán", "ngân sách 2025", "giá đất", "quy hoạch sử dụng đất",
	"bồi thường", "tái định cư", "thủ tục", "lấy ý kiến", "đầu tư công", "giải phóng mặt bằng", "nông thôn mới"}

var roads = strings.Split("Trần Hưng Đạo,Lê Lợi,Nguyễn Trãi,Hùng Vương,Quang Trung,Lý Thường Kiệt,Phan Đình Phùng,"+
	"Nguyễn Du,Hai Bà Trưng,Lê Duẩn,Trần Phú,Nguyễn Huệ,Điện Biên Phủ,Võ Thị Sáu,Phan Chu Trinh,Hà Huy Tập,"+
	"Nguyễn Văn Cừ,Lê Hồng Phong,Ngô Quyền,Bà Triệu,Lý Tự Trọng,Tôn Đức Thắng,Xô Viết Nghệ Tĩnh,Mai Hắc Đế,"+
	"Nguyễn Thị Minh Khai,Phạm Văn Đồng,Võ Nguyên Giáp,Trường Chinh,Đinh Tiên Hoàng,Lê Thánh Tông", ",")

var landmarks = strings.Split("Ngã ba,Ngã tư,Cầu,Chợ,Trường tiểu học,Trạm y tế,Nhà văn hóa thôn,Cống,Giáp đất", ",")

// New prepares a generator: it loads the source text and lays out agencies and datasets.
func New(cfg Config) (*Corpus, error) {
	src, err := LoadSource(cfg.DataDir, cfg.Seed)
	if err != nil {
		return nil, err
	}
	c := &Corpus{Cfg: cfg, Src: src}
	// The province with the most communes gives the most varied places;
	// the seed picks among the largest few.
	best := pickProvince(src.Provinces, cfg.Seed)
	c.Province = best
	c.layoutAgencies()
	c.layoutDatasets()
	return c, nil
}

func pickProvince(ps []Unit, seed uint64) Unit {
	type cand struct {
		i, n int
	}
	var cs []cand
	for i, p := range ps {
		n := 0
		for _, d := range p.Districts {
			n += len(d.Communes)
		}
		cs = append(cs, cand{i, n})
	}
	// Stable selection of the 5 largest.
	for a := 0; a < len(cs); a++ {
		for b := a + 1; b < len(cs); b++ {
			if cs[b].n > cs[a].n || cs[b].n == cs[a].n && cs[b].i < cs[a].i {
				cs[a], cs[b] = cs[b], cs[a]
			}
		}
	}
	k := min(5, len(cs))
	return ps[cs[int(seed%uint64(k))].i]
}

// maxPerFolder bounds the files of one agency folder.
const maxPerFolder = 4000

func (c *Corpus) layoutAgencies() {
	seen := map[string]int{}
	add := func(a *Agency) {
		base := a.Slug
		if n := seen[base]; n > 0 {
			a.Slug = base + "-" + strconv.Itoa(n+1)
		}
		seen[base]++
		c.Agencies = append(c.Agencies, a)
	}
	prov := c.Province.Name
	short := strings.TrimPrefix(strings.TrimPrefix(prov, "Tỉnh "), "Thành phố ")
	add(&Agency{Slug: "ubnd-tinh", Name: "Ủy ban nhân dân " + prov, ShortName: "UBND " + short, Kind: "province", Code: "UBND"})
	for _, d := range departments {
		add(&Agency{Slug: content.Slugify(d.name), Name: d.name + " " + short, ShortName: d.name, Kind: "department",
			Parent: "ubnd-tinh", Code: d.code})
	}
	for _, d := range c.Province.Districts {
		add(&Agency{Slug: "ubnd-" + content.Slugify(d.Name), Name: "Ủy ban nhân dân " + d.Name, ShortName: "UBND " + d.Name,
			Kind: "district", Parent: "ubnd-tinh", District: d.Name, Code: "UBND"})
	}
	// Communes: enough that no folder holds more than maxPerFolder notices,
	// at least 40, taken round-robin over districts so every district has some.
	want := max(40, (c.Cfg.Notices+maxPerFolder-1)/maxPerFolder-len(c.Agencies))
	distSlug := map[string]string{}
	for _, a := range c.Agencies {
		if a.Kind == "district" {
			distSlug[a.District] = a.Slug
		}
	}
	for k := 0; len(c.Agencies) < 1+len(departments)+len(c.Province.Districts)+want; k++ {
		added := false
		for _, d := range c.Province.Districts {
			if k < len(d.Communes) {
				cm := d.Communes[k]
				add(&Agency{Slug: "ubnd-" + content.Slugify(cm), Name: "Ủy ban nhân dân " + cm + ", " + d.Name,
					ShortName: "UBND " + cm, Kind: "commune", Parent: distSlug[d.Name], District: d.Name, Commune: cm, Code: "UBND"})
				added = true
				if len(c.Agencies) >= 1+len(departments)+len(c.Province.Districts)+want {
					break
				}
			}
		}
		if !added {
			break
		}
	}
}

// rowsPerTable is the largest land-price table.
const rowsPerTable = 50000

func (c *Corpus) layoutDatasets() {
	if c.Cfg.Rows <= 0 {
		return
	}
	var districts []*Agency
	for _, a := range c.Agencies {
		if a.Kind == "district" {
			districts = append(districts, a)
		}
	}
	n := max(len(districts), (c.Cfg.Rows+rowsPerTable-1)/rowsPerTable)
	left := c.Cfg.Rows
	for i := 0; i < n; i++ {
		a := districts[i%len(districts)]
		rows := left / (n - i)
		left -= rows
		var communes []string
		for _, d := range c.Province.Districts {
			if d.Name == a.District {
				communes = d.Communes
			}
		}
		y := 2015 + (5*(i/len(districts)))%15
		slug := fmt.Sprintf("bang-gia-dat-%d-%d", y, i+1)
		c.Datasets = append(c.Datasets, &Dataset{Index: i, Agency: a, Slug: slug,
			Title:    fmt.Sprintf("Bảng giá đất %s giai đoạn %d–%d (phần %d)", a.District, y, y+4, i+1),
			District: a.District, Communes: communes, Table: "bang-gia-dat-o", Rows: rows, Year: y})
	}
}

func (c *Corpus) rng(stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(c.Cfg.Seed^0x5EED0000C0C0, stream<<40|i))
}

// Notice returns notice i (0 ≤ i < Cfg.Notices).
func (c *Corpus) Notice(i int) *Notice {
	rng := c.rng(1, uint64(i))
	ag := c.Agencies[i%len(c.Agencies)]
	art := c.Src.Articles[rng.IntN(len(c.Src.Articles))]
	cat := pickCategory(rng)
	typ := docTypes[rng.IntN(len(docTypes))]
	number := fmt.Sprintf("%d/%s-%s", i+1, typ, ag.Code)
	// Dates from 2015-01-01 to 2026-10-31, at office hours.
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	pub := start.AddDate(0, 0, rng.IntN(days+1)).Add(time.Duration(7+rng.IntN(10)) * time.Hour)
	pl := Place{Province: c.Province.Name, District: ag.District, Commune: ag.Commune}
	if ag.District == "" && len(c.Province.Districts) > 0 && rng.IntN(2) == 0 {
		d := c.Province.Districts[rng.IntN(len(c.Province.Districts))]
		pl.District = d.Name
		pl.Commune = d.Communes[rng.IntN(len(d.Communes))]
	}
	var tags []string
	for t := rng.IntN(3); t > 0; t-- {
		tags = append(tags, tagPool[rng.IntN(len(tagPool))])
	}
	signer := surnames[rng.IntN(len(surnames))] + " " + middles[rng.IntN(len(middles))] + " " + givens[rng.IntN(len(givens))]
	title := art.Heading
	if pl.Commune != "" && rng.IntN(3) == 0 {
		title += " tại " + pl.Commune
	}
	where := pl.Commune
	if where == "" {
		where = pl.District
	}
	if where == "" {
		where = pl.Province
	}
	var b strings.Builder
	// An opening line in one of several wordings (or none), so that no
	// phrase is shared by every notice.
	switch rng.IntN(6) {
	case 0:
		fmt.Fprintf(&b, "%s công khai nội dung sau theo văn bản số %s ngày %s.\n", ag.Name, number, pub.Format("02/01/2006"))
	case 1:
		fmt.Fprintf(&b, "Căn cứ %s, %s thông báo đến nhân dân trên địa bàn %s.\n", art.Law, ag.ShortName, where)
	case 2:
		fmt.Fprintf(&b, "Thực hiện %s, %s đăng tải để người dân được biết và góp ý.\n", art.Law, ag.ShortName)
	case 3:
		fmt.Fprintf(&b, "Ngày %s, %s ban hành văn bản số %s áp dụng tại %s.\n", pub.Format("02/01/2006"), ag.ShortName, number, where)
	}
	// A run of the article's clauses, so that a reused article differs in length.
	cl := art.Clauses
	if len(cl) > 3 {
		from := rng.IntN(len(cl) / 2)
		cl = cl[from:]
	}
	if len(cl) > 12 {
		cl = cl[:12]
	}
	for _, p := range cl {
		b.WriteString("\n")
		b.WriteString(escapeMarkdown(p))
		b.WriteString("\n")
	}
	return &Notice{Index: i, Agency: ag, Slug: content.Slugify(number), Title: title, Category: cat,
		Number: number, Signer: signer, Published: pub, Place: pl, Tags: tags, Body: b.String()}
}

// escapeMarkdown keeps a line of law text from turning into markup other than a list.
func escapeMarkdown(s string) string {
	r := strings.NewReplacer("<", "&lt;", "*", `\*`, "_", `\_`, "`", "\\`", "#", `\#`, "[", `\[`)
	s = r.Replace(s)
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") || strings.HasPrefix(s, ">") {
		s = `\` + s
	}
	return s
}

func pickCategory(rng *rand.Rand) string {
	x := rng.IntN(100)
	for _, c := range Categories {
		if x < c.Share {
			return c.Slug
		}
		x -= c.Share
	}
	return Categories[0].Slug
}

// EachRow calls fn for every row of dataset d, in order (row numbers from 1).
func (c *Corpus) EachRow(d *Dataset, fn func(n int, r Row)) {
	rng := c.rng(2, uint64(d.Index))
	communes := d.Communes
	if len(communes) == 0 {
		communes = []string{"Xã " + d.District}
	}
	for n := 1; n <= d.Rows; n++ {
		road := roads[rng.IntN(len(roads))]
		switch rng.IntN(6) {
		case 0:
			road = fmt.Sprintf("Đường tỉnh %d", 500+rng.IntN(200))
		case 1:
			road = fmt.Sprintf("Quốc lộ %d", 1+rng.IntN(50))
		}
		from := landmarks[rng.IntN(len(landmarks))] + " " + roads[rng.IntN(len(roads))]
		to := landmarks[rng.IntN(len(landmarks))] + " " + communes[rng.IntN(len(communes))]
		vt1 := int64(800+rng.IntN(60000)) * 10
		r := Row{Commune: communes[rng.IntN(len(communes))], Road: road, From: from, To: to,
			VT: [4]int64{vt1, vt1 * 6 / 10 / 10 * 10, vt1 * 4 / 10 / 10 * 10, vt1 * 3 / 10 / 10 * 10}}
		fn(n, r)
	}
}

// Stats describes a written corpus.
type Stats struct {
	Notices   int   `json:"notices"`
	Datasets  int   `json:"datasets"`
	Rows      int   `json:"rows"`
	Agencies  int   `json:"agencies"`
	Bytes     int64 `json:"bytes"`      // every file written
	TextBytes int64 `json:"text_bytes"` // notice and table files
	Synthetic bool  `json:"synthetic"`
	MaxFolder int   `json:"max_folder_files"`
}

// Write writes the content folder into dir (which must not exist or be empty).
func (c *Corpus) Write(dir string) (Stats, error) {
	st := Stats{Notices: c.Cfg.Notices, Datasets: len(c.Datasets), Agencies: len(c.Agencies), Synthetic: c.Src.Synthetic}
	var mu sync.Mutex
	count := func(n int64, text bool) {
		mu.Lock()
		st.Bytes += n
		if text {
			st.TextBytes += n
		}
		mu.Unlock()
	}
	write := func(path string, data []byte, text bool) error {
		count(int64(len(data)), text)
		return os.WriteFile(path, data, 0o644)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	if err := write(filepath.Join(dir, "site.yaml"), []byte(c.siteYAML()), false); err != nil {
		return st, err
	}
	perFolder := map[string]int{}
	for _, a := range c.Agencies {
		if err := os.MkdirAll(filepath.Join(dir, a.Slug), 0o755); err != nil {
			return st, err
		}
		if err := write(filepath.Join(dir, a.Slug, "_agency.md"), []byte(c.agencyMD(a)), false); err != nil {
			return st, err
		}
		perFolder[a.Slug] = 1
	}
	for i := 0; i < c.Cfg.Notices; i++ {
		perFolder[c.Agencies[i%len(c.Agencies)].Slug]++
	}
	for _, d := range c.Datasets {
		perFolder[d.Agency.Slug]++
	}
	for _, n := range perFolder {
		st.MaxFolder = max(st.MaxFolder, n)
	}
	// Notices in parallel: each is a pure function of (seed, i).
	workers := max(1, runtime.GOMAXPROCS(0))
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < c.Cfg.Notices; i += workers {
				n := c.Notice(i)
				if err := write(filepath.Join(dir, n.Agency.Slug, n.Slug+".md"), []byte(NoticeMD(n)), true); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return st, err
	}
	for _, d := range c.Datasets {
		dd := filepath.Join(dir, d.Agency.Slug, d.Slug)
		if err := os.MkdirAll(dd, 0o755); err != nil {
			return st, err
		}
		if err := write(filepath.Join(dd, "index.md"), []byte(c.datasetMD(d)), false); err != nil {
			return st, err
		}
		n, err := c.writeTable(filepath.Join(dd, d.Table+".csv"), d)
		count(n, true)
		if err != nil {
			return st, err
		}
		st.Rows += d.Rows
	}
	return st, nil
}

func (c *Corpus) writeTable(path string, d *Dataset) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	cw := &countWriter{w: w}
	fmt.Fprintln(cw, "xa,duong,tu,den,vt1,vt2,vt3,vt4")
	c.EachRow(d, func(_ int, r Row) {
		fmt.Fprintf(cw, "%s,%s,%s,%s,%d,%d,%d,%d\n", csvField(r.Commune), csvField(r.Road), csvField(r.From), csvField(r.To),
			r.VT[0], r.VT[1], r.VT[2], r.VT[3])
	})
	if err := w.Flush(); err != nil {
		f.Close()
		return cw.n, err
	}
	return cw.n, f.Close()
}

type countWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// Q quotes s as a YAML double-quoted scalar.
func Q(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (c *Corpus) siteYAML() string {
	return fmt.Sprintf(`title: %s
title_en: Transparency Portal (benchmark corpus)
description: Kho dữ liệu sinh tự động để đo hiệu năng (seed %d).
province: %s
base_url: http://127.0.0.1
languages: [vi, en]
contact: "Văn phòng UBND tỉnh"
`, Q("Cổng thông tin công khai "+c.Province.Name), c.Cfg.Seed, Q(c.Province.Name))
}

func (c *Corpus) agencyMD(a *Agency) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "name: %s\nshort_name: %s\nkind: %s\n", Q(a.Name), Q(a.ShortName), a.Kind)
	if a.Parent != "" {
		fmt.Fprintf(&b, "parent: %s\n", a.Parent)
	}
	fmt.Fprintf(&b, "email: %s@example.gov.vn\nplaces:\n  - province: %s\n", a.Slug, Q(c.Province.Name))
	if a.District != "" {
		fmt.Fprintf(&b, "    district: %s\n", Q(a.District))
	}
	if a.Commune != "" {
		fmt.Fprintf(&b, "    commune: %s\n", Q(a.Commune))
	}
	fmt.Fprintf(&b, "---\n%s thực hiện công khai thông tin theo quy định.\n", a.Name)
	return b.String()
}

// NoticeMD is the notice file.
func NoticeMD(n *Notice) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\ncategory: %s\npublished: %s\nnumber: %s\nsigner: %s\n",
		Q(n.Title), n.Category, n.Published.Format("2006-01-02 15:04"), Q(n.Number), Q(n.Signer))
	if n.Category == "du-thao" {
		opens := n.Published
		fmt.Fprintf(&b, "comment:\n  opens: %s\n  closes: %s\n", opens.Format("2006-01-02"), opens.AddDate(0, 0, 30).Format("2006-01-02"))
	}
	fmt.Fprintf(&b, "places:\n  - province: %s\n", Q(n.Place.Province))
	if n.Place.District != "" {
		fmt.Fprintf(&b, "    district: %s\n", Q(n.Place.District))
	}
	if n.Place.Commune != "" {
		fmt.Fprintf(&b, "    commune: %s\n", Q(n.Place.Commune))
	}
	if len(n.Tags) > 0 {
		b.WriteString("tags: [")
		for i, t := range n.Tags {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(Q(t))
		}
		b.WriteString("]\n")
	}
	b.WriteString("---\n")
	b.WriteString(n.Body)
	return b.String()
}

func (c *Corpus) datasetMD(d *Dataset) string {
	var b strings.Builder
	b.WriteString("---\n")
	y := d.Year
	fmt.Fprintf(&b, "title: %s\ncategory: gia-dat\npublished: %d-01-01\nsource: %s\nplaces:\n  - province: %s\n    district: %s\n",
		Q(d.Title), y, Q("Sở Tài nguyên và Môi trường"), Q(c.Province.Name), Q(d.District))
	b.WriteString("tags: [\"giá đất\", \"bảng giá\"]\ncolumns:\n")
	cols := []struct{ name, title, typ string }{
		{"xa", "Xã, phường", "text"}, {"duong", "Tên đường", "text"}, {"tu", "Đoạn từ", "text"}, {"den", "Đến", "text"},
		{"vt1", "Vị trí 1", "money"}, {"vt2", "Vị trí 2", "money"}, {"vt3", "Vị trí 3", "money"}, {"vt4", "Vị trí 4", "money"},
	}
	for _, col := range cols {
		fmt.Fprintf(&b, "  - name: %s\n    title: %s\n    type: %s\n", col.name, Q(col.title), col.typ)
		if col.typ == "money" {
			b.WriteString("    unit: nghìn đồng/m²\n")
		}
	}
	fmt.Fprintf(&b, "---\nBảng giá các loại đất ở trên địa bàn %s, theo đoạn đường và vị trí.\n", d.District)
	return b.String()
}
