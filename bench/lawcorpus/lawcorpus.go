// Package lawcorpus builds a content folder (docs/content.md) from the texts
// of real Vietnamese laws, one notice per article ("Điều N."), for measuring
// the relevance of search on text as the state writes it (docs/search.md,
// "Relevance"). The texts are optional data, read from a folder of
// vlc/*.txt files (one law a file, as published on vanban.chinhphu.vn and
// thuvienphapluat.vn); Find tells where they are, if anywhere.
package lawcorpus

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"github.com/congkhai/congkhai/bench/corpus"
	"github.com/congkhai/congkhai/content"
)

// Files are the laws of the corpus: those a citizen asks about (land,
// housing, residence, civil status, family, work, insurance, tax, traffic,
// complaints, fees, budget, business), 39 laws and codes.
var Files = []string{
	"Bo-Luat-lao-dong-2019-333670.txt",
	"Bo-luat-dan-su-2015-296215.txt",
	"Luat-68-2020-QH14-cu-tru-435315.txt",
	"Luat-Bao-hiem-xa-hoi-2014-259700.txt",
	"Luat-Can-cuoc-cong-dan-2014-259782.txt",
	"Luat-Cong-chung-2014-238638.txt",
	"Luat-Dau-tu-cong-2019-362113.txt",
	"Luat-Doanh-nghiep-so-59-2020-QH14-427301.txt",
	"Luat-Ho-tich-2014-259727.txt",
	"Luat-Hon-nhan-va-gia-dinh-2014-238640.txt",
	"Luat-Kinh-doanh-bat-dong-san-2014-259722.txt",
	"Luat-Nha-o-2014-259721.txt",
	"Luat-Phong-chong-tham-nhung-322049.txt",
	"Luat-To-cao-336713.txt",
	"Luat-Trach-nhiem-boi-thuong-cua-Nha-nuoc-2017-313517.txt",
	"Luat-Tro-giup-phap-ly-2017-322938.txt",
	"Luat-Xay-dung-2014-238644.txt",
	"Luat-Xuat-canh-nhap-canh-cua-cong-dan-Viet-Nam-2019-402073.txt",
	"Luat-bao-hiem-y-te-2008-25-2008-QH12-82196.txt",
	"Luat-dat-dai-2013-215836.txt",
	"Luat-dau-gia-tai-san-2016-280115.txt",
	"Luat-giao-thong-duong-bo-2008-23-2008-QH12-82203.txt",
	"Luat-hoa-giai-o-co-so-nam-2013-197282.txt",
	"Luat-khieu-nai-2011-132446.txt",
	"Luat-ngan-sach-nha-nuoc-nam-2015-281762.txt",
	"Luat-nghia-vu-quan-su-2015-282383.txt",
	"Luat-nguoi-cao-tuoi-nam-2009-98672.txt",
	"Luat-nguoi-khuyet-tat-2010-108081.txt",
	"Luat-phi-va-le-phi-2015-298376.txt",
	"Luat-quan-ly-thue-2019-387595.txt",
	"Luat-quy-hoach-322935.txt",
	"Luat-so-72-2020-QH14-Bao-ve-moi-truong-2020-431147.txt",
	"Luat-thue-su-dung-dat-phi-nong-nghiep-2010-108065.txt",
	"Luat-thue-thu-nhap-ca-nhan-2007-04-2007-QH12-59652.txt",
	"Luat-tiep-can-thong-tin-2016-280116.txt",
	"Luat-tiep-cong-dan-2013-215839.txt",
	"Luat-tre-em-2016-303313.txt",
	"Luat-viec-lam-nam-2013-215628.txt",
	"Luat-xu-ly-vi-pham-hanh-chinh-2012-142766.txt",
}

// Agency is the one agency of the corpus: every article is its notice.
const Agency = "quoc-hoi"

// Law is one law text.
type Law struct {
	File     string    // file name in vlc/
	Title    string    // "Luật Cư trú"
	Number   string    // "68/2020/QH14"
	Date     string    // "2020-11-13", the day it was passed
	Slug     string    // "luat-cu-tru-2020"
	Articles []Article // in order
}

// Article is one "Điều N." of a law.
type Article struct {
	N       int    // article number
	Heading string // "Điều kiện đăng ký thường trú"
	Chapter string // "Chương II. Đăng ký thường trú", when the law has chapters
	Body    []string
}

// ID is the search document ID of an article's notice ("n:quoc-hoi/luat-cu-tru-2020-dieu-20").
func (l *Law) ID(a *Article) string { return "n:" + Agency + "/" + l.NoticeSlug(a) }

// NoticeSlug is the slug of an article's notice.
func (l *Law) NoticeSlug(a *Article) string { return fmt.Sprintf("%s-dieu-%d", l.Slug, a.N) }

// NoticeTitle is the title of an article's notice:
// "Luật Cư trú 2020 – Điều 20. Điều kiện đăng ký thường trú".
func (l *Law) NoticeTitle(a *Article) string {
	return fmt.Sprintf("%s %s – Điều %d. %s", l.Title, l.Date[:4], a.N, a.Heading)
}

// Find returns the first of the folders that holds vlc/*.txt, or "".
func Find(dirs ...string) string {
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, "vlc", "*.txt")); len(m) > 0 {
			return d
		}
	}
	return ""
}

var (
	reNumber  = regexp.MustCompile(`(?m)^(?:(?:Bộ luật|Luật) )?[Ss]ố:?\s*(\d+/\d{4}/QH\d+)`)
	reDate    = regexp.MustCompile(`ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})`)
	reTitle   = regexp.MustCompile(`(?m)^(BỘ LUẬT|LUẬT)[ \t]*\n?(.+)$`)
	reArticle = regexp.MustCompile(`(?m)^Điều (\d+)\.?[ \t]*(.*)$`)
	reChapter = regexp.MustCompile(`^(Chương|CHƯƠNG) ([IVXLC0-9]+)\b`)
	reSection = regexp.MustCompile(`^(Mục|MỤC|Phần|PHẦN|Tiểu mục) [IVXLC0-9]+`)
)

// Load reads the laws of Files from dataDir/vlc.
func Load(dataDir string) ([]*Law, error) {
	var out []*Law
	for _, f := range Files {
		b, err := os.ReadFile(filepath.Join(dataDir, "vlc", f))
		if err != nil {
			return nil, err
		}
		l, err := parse(f, corpus.CleanText(string(b)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out = append(out, l)
	}
	return out, nil
}

func parse(file, text string) (*Law, error) {
	head := text[:min(len(text), 1500)]
	l := &Law{File: file}
	m := reNumber.FindStringSubmatch(head)
	if m == nil {
		return nil, fmt.Errorf("no law number in the header")
	}
	l.Number = m[1]
	d := reDate.FindStringSubmatch(head)
	if d == nil {
		return nil, fmt.Errorf("no date in the header")
	}
	l.Date = fmt.Sprintf("%s-%02s-%02s", d[3], d[2], d[1])
	t := reTitle.FindStringSubmatch(head)
	if t == nil {
		return nil, fmt.Errorf("no title in the header")
	}
	kind := "Luật"
	if t[1] == "BỘ LUẬT" {
		kind = "Bộ luật"
	}
	name := []rune(strings.ToLower(strings.TrimSpace(t[2])))
	name[0] = unicode.ToUpper(name[0])
	l.Title = strings.ReplaceAll(kind+" "+string(name), "việt nam", "Việt Nam")
	l.Slug = content.Slugify(l.Title + " " + l.Date[:4])

	lines := strings.Split(text, "\n")
	var cur *Article
	chapter := ""
	seen := map[int]bool{}
	for i := 0; i < len(lines); i++ {
		line := strings.Join(strings.Fields(lines[i]), " ")
		if line == "" {
			continue
		}
		if c := reChapter.FindStringSubmatch(line); c != nil {
			// "Chương II" then its name in capitals on the next line.
			name := strings.TrimSpace(strings.TrimLeft(line[len(c[0]):], ":.- "))
			if name == "" && i+1 < len(lines) && corpus.IsUpper(lines[i+1]) {
				i++
				name = strings.Join(strings.Fields(lines[i]), " ")
			}
			chapter = "Chương " + c[2]
			if name != "" {
				chapter += ". " + corpus.SentenceCase(name)
			}
			continue
		}
		if reSection.MatchString(line) || (corpus.IsUpper(line) && cur != nil) {
			continue
		}
		if a := reArticle.FindStringSubmatch(line); a != nil {
			var n int
			fmt.Sscan(a[1], &n)
			if seen[n] { // an article quoted by another: part of its body
				if cur != nil {
					cur.Body = append(cur.Body, line)
				}
				continue
			}
			seen[n] = true
			if cur != nil && len(cur.Body) > 0 {
				l.Articles = append(l.Articles, *cur)
			}
			cur = &Article{N: n, Heading: strings.TrimRight(strings.TrimSpace(a[2]), ".:; "), Chapter: chapter}
			continue
		}
		if cur != nil {
			cur.Body = append(cur.Body, line)
		}
	}
	if cur != nil && len(cur.Body) > 0 {
		l.Articles = append(l.Articles, *cur)
	}
	for i := range l.Articles {
		a := &l.Articles[i]
		if a.Heading == "" {
			a.Heading = strings.Join(strings.Fields(a.Body[0])[:min(10, len(strings.Fields(a.Body[0])))], " ")
		}
		if r := []rune(a.Heading); len(r) > 200 {
			a.Heading = string(r[:200]) + "…"
		}
	}
	if len(l.Articles) == 0 {
		return nil, fmt.Errorf("no article")
	}
	return l, nil
}

// Markdown returns the notice file of an article.
func (l *Law) Markdown(a *Article) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\ncategory: thong-bao\npublished: %s\nnumber: %s\nsigner: Quốc hội\n",
		corpus.Q(l.NoticeTitle(a)), l.Date, corpus.Q(l.Number))
	fmt.Fprintf(&b, "summary: %s\n", corpus.Q(l.Summary(a)))
	b.WriteString("---\n")
	for _, p := range a.Body {
		b.WriteString(escape.Replace(p))
		b.WriteString("\n\n")
	}
	return b.String()
}

// Summary names the law and the chapter of an article.
func (l *Law) Summary(a *Article) string {
	s := fmt.Sprintf("%s số %s", l.Title, l.Number)
	if a.Chapter != "" {
		s += ", " + a.Chapter
	}
	return s
}

// Text is an article's body as plain text (for other engines).
func (a *Article) Text() string { return strings.Join(a.Body, "\n") }

// escape keeps a law's lines as text in markdown: "1." and "a)" stay lists
// of the law, but emphasis, headings and HTML are escaped.
var escape = strings.NewReplacer("*", `\*`, "_", `\_`, "#", `\#`, "<", "&lt;", "`", "\\`", "[", `\[`)

const siteYAML = `title: "Văn bản luật – bộ dữ liệu đo độ liên quan"
title_en: Laws – relevance corpus
description: Mỗi điều của các luật là một văn bản; dùng để đo độ liên quan của tìm kiếm.
province: "Tỉnh Hà Tĩnh"
base_url: http://127.0.0.1
languages: [vi, en]
contact: "Văn phòng Quốc hội"
`

const agencyMD = `---
name: Quốc hội
short_name: Quốc hội
kind: other
email: quochoi@example.gov.vn
---
Văn bản luật do Quốc hội ban hành.
`

// Write writes the content folder: site.yaml, the agency and one notice per
// article. It returns the number of notices.
func Write(dir string, laws []*Law) (int, error) {
	if err := os.MkdirAll(filepath.Join(dir, Agency), 0o755); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(siteYAML), 0o644); err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(dir, Agency, "_agency.md"), []byte(agencyMD), 0o644); err != nil {
		return 0, err
	}
	n := 0
	for _, l := range laws {
		for i := range l.Articles {
			a := &l.Articles[i]
			if err := os.WriteFile(filepath.Join(dir, Agency, l.NoticeSlug(a)+".md"), []byte(l.Markdown(a)), 0o644); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
