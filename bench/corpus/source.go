// Package corpus generates a content folder (see docs/content.md) for benchmarks:
// agencies with real Vietnamese place names, notices built from the text of real
// Vietnamese laws, and land-price tables, deterministically for a seed. When the
// shared data folder is absent it falls back to synthetic Vietnamese text, so
// the generator runs anywhere.
package corpus

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Article is one "Điều N." of a law: its heading and its clauses.
type Article struct {
	Heading string   // "Phạm vi điều chỉnh"
	Clauses []string // paragraphs of the body
	Law     string   // "Bộ luật Lao động"
}

// Unit is a province with its districts and their communes.
type Unit struct {
	Name      string
	Districts []District
}

// District is a district with its communes.
type District struct {
	Name     string
	Communes []string
}

// Source is the raw material: articles and administrative units.
type Source struct {
	Articles  []Article
	Provinces []Unit
	Synthetic bool // true when the text is synthetic (no shared data)
}

var (
	reArticle = regexp.MustCompile(`(?m)^Điều (\d+)\.[ \t]*(.*)$`)
	reChapter = regexp.MustCompile(`^(Chương|Mục|Phần|CHƯƠNG|MỤC|PHẦN) [IVXLC0-9]+`)
	reLawName = regexp.MustCompile(`(?m)^(BỘ LUẬT|LUẬT)\s*\n?(.*)$`)
)

// CleanText normalises text as both engines need: soft hyphens removed, NFC,
// line breaks as LF.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\u00ad", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return norm.NFC.String(s)
}

var (
	sourceMu    sync.Mutex
	sourceCache = map[string]*Source{}
)

// LoadSource reads the laws in dataDir/vlc/*.txt and the units in
// dataDir/vn-units-63.json; whatever is missing is replaced by synthetic
// material generated from seed.
func LoadSource(dataDir string, seed uint64) (*Source, error) {
	// Sources are read-only once built: share them between generators.
	key := fmt.Sprintf("%s\x00%d", dataDir, seed)
	sourceMu.Lock()
	defer sourceMu.Unlock()
	if s, ok := sourceCache[key]; ok {
		return s, nil
	}
	src, err := loadSource(dataDir, seed)
	if err == nil {
		sourceCache[key] = src
	}
	return src, err
}

func loadSource(dataDir string, seed uint64) (*Source, error) {
	src := &Source{}
	if dataDir != "" {
		files, _ := filepath.Glob(filepath.Join(dataDir, "vlc", "*.txt"))
		slices.Sort(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			src.Articles = append(src.Articles, splitLaw(CleanText(string(b)))...)
		}
		if b, err := os.ReadFile(filepath.Join(dataDir, "vn-units-63.json")); err == nil {
			units, err := parseUnits(b)
			if err != nil {
				return nil, fmt.Errorf("vn-units-63.json: %w", err)
			}
			src.Provinces = units
		}
	}
	if len(src.Articles) == 0 {
		src.Articles = syntheticArticles(seed, 3000)
		src.Synthetic = true
	}
	if len(src.Provinces) == 0 {
		src.Provinces = syntheticUnits(seed)
	}
	return src, nil
}

// splitLaw splits a law on "Điều N." lines into articles.
func splitLaw(text string) []Article {
	law := lawName(text)
	idx := reArticle.FindAllStringSubmatchIndex(text, -1)
	var out []Article
	for i, m := range idx {
		end := len(text)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		heading := strings.TrimSpace(text[m[4]:m[5]])
		heading = strings.TrimRight(heading, ".:; ")
		var clauses []string
		for _, line := range strings.Split(text[m[1]:end], "\n") {
			line = strings.Join(strings.Fields(line), " ")
			if line == "" || reChapter.MatchString(line) || IsUpper(line) {
				continue
			}
			clauses = append(clauses, line)
		}
		if heading == "" && len(clauses) > 0 {
			heading = firstWords(clauses[0], 10)
		}
		if heading == "" || len(clauses) == 0 {
			continue
		}
		if r := []rune(heading); len(r) > 160 {
			heading = string(r[:160])
			if i := strings.LastIndexByte(heading, ' '); i > 80 {
				heading = heading[:i]
			}
		}
		out = append(out, Article{Heading: heading, Clauses: clauses, Law: law})
	}
	return out
}

func lawName(text string) string {
	if m := reLawName.FindStringSubmatch(text); m != nil {
		name := strings.TrimSpace(m[2])
		kind := "Luật"
		if m[1] == "BỘ LUẬT" {
			kind = "Bộ luật"
		}
		if name != "" {
			return kind + " " + SentenceCase(name)
		}
	}
	return "Luật"
}

// SentenceCase is s in lower case but its first letter.
func SentenceCase(s string) string {
	r := []rune(strings.ToLower(s))
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// IsUpper reports whether a line is a heading in capitals ("NHỮNG QUY ĐỊNH CHUNG").
func IsUpper(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 0
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

func parseUnits(b []byte) ([]Unit, error) {
	var raw []struct {
		FullName string
		District []struct {
			FullName string
			Ward     []struct{ FullName string }
		}
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	var out []Unit
	for _, p := range raw {
		u := Unit{Name: CleanText(p.FullName)}
		for _, d := range p.District {
			dd := District{Name: CleanText(d.FullName)}
			for _, w := range d.Ward {
				dd.Communes = append(dd.Communes, CleanText(w.FullName))
			}
			if len(dd.Communes) > 0 {
				u.Districts = append(u.Districts, dd)
			}
		}
		if len(u.Districts) > 0 {
			out = append(out, u)
		}
	}
	return out, nil
}

// syllables is a list of common Vietnamese syllables for synthetic text.
var syllables = strings.Fields(`ngân sách nhà nước đất đai quy hoạch giá bồi thường hỗ trợ tái định cư thông báo
dự thảo thủ tục hành chính quyết định công khai dự toán quyết toán năm tỉnh huyện xã phường thị trấn
ủy ban nhân dân hội đồng sở tài chính nguyên môi trường xây dựng giao thông vận tải kế hoạch đầu tư
người sử dụng quyền nghĩa vụ trách nhiệm cơ quan tổ chức cá nhân có liên quan được thực hiện theo
quy định của pháp luật điều khoản chương mục phạm vi điều chỉnh đối tượng áp dụng giải thích từ ngữ
trường hợp việc các và hoặc không phải trong ngoài trên dưới về cho với từ đến khi sau trước
thu chi tiền thuế phí lệ cấp giấy chứng nhận hồ sơ đề nghị văn bản báo cáo kiểm tra thanh giám sát
đường phố thôn xóm bản làng khu dân cư công trình dự án nông nghiệp rừng nước biển đảo sông hồ
lao động việc làm giáo dục đào tạo y tế văn hóa thể thao du lịch an ninh quốc phòng trật tự`)

var surnames = strings.Fields("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
var middles = strings.Fields("Văn Thị Hữu Đức Minh Thanh Ngọc Quang Xuân Thu Hồng Anh")
var givens = strings.Fields("An Bình Cường Dũng Hà Hải Hạnh Hiếu Hoa Hùng Hương Khánh Lan Linh Long Mai Nam Nga Phong Phúc Quân Sơn Tâm Thảo Trung Tuấn Vân Việt Yến")

func syntheticArticles(seed uint64, n int) []Article {
	rng := rand.New(rand.NewPCG(seed, 0xA871C1E5))
	words := func(lo, hi int) string {
		k := lo + rng.IntN(hi-lo+1)
		w := make([]string, k)
		for i := range w {
			// A skewed pick gives a Zipf-like vocabulary, like real text.
			j := int(float64(len(syllables)) * rng.Float64() * rng.Float64())
			w[i] = syllables[j]
		}
		return strings.Join(w, " ")
	}
	out := make([]Article, n)
	for i := range out {
		h := SentenceCase(words(3, 9))
		var cl []string
		for c := 0; c < 2+rng.IntN(6); c++ {
			cl = append(cl, fmt.Sprintf("%d. %s.", c+1, SentenceCase(words(12, 40))))
		}
		out[i] = Article{Heading: h, Clauses: cl, Law: "Luật " + SentenceCase(words(2, 4))}
	}
	return out
}

func syntheticUnits(seed uint64) []Unit {
	rng := rand.New(rand.NewPCG(seed, 0x0417))
	name := func() string {
		return SentenceCase(syllables[rng.IntN(len(syllables))]) + " " + SentenceCase(syllables[rng.IntN(len(syllables))])
	}
	var out []Unit
	for p := 0; p < 5; p++ {
		u := Unit{Name: "Tỉnh " + name()}
		for d := 0; d < 10; d++ {
			dd := District{Name: "Huyện " + name()}
			for c := 0; c < 20; c++ {
				dd.Communes = append(dd.Communes, "Xã "+name())
			}
			u.Districts = append(u.Districts, dd)
		}
		out = append(out, u)
	}
	return out
}
