package content

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/congkhai/congkhai/msg"
)

// DefaultLicense is a dataset's license when index.md names none.
const DefaultLicense = "Giấy phép dữ liệu mở (CC BY 4.0)"

type datasetMeta struct {
	Title     string `yaml:"title"`
	Category  string `yaml:"category"`
	Published string `yaml:"published"`
	Updated   string `yaml:"updated"`
	Summary   string `yaml:"summary"`
	License   string `yaml:"license"`
	Source    string `yaml:"source"`
	Frequency string `yaml:"frequency"`
	// Period is a period as written, or {start, end} (period.go).
	Period  yaml.Node `yaml:"period"`
	Places  []Place   `yaml:"places"`
	Tags    []string  `yaml:"tags"`
	Columns []struct {
		Name        string `yaml:"name"`
		Title       string `yaml:"title"`
		Type        string `yaml:"type"`
		Unit        string `yaml:"unit"`
		Description string `yaml:"description"`
	} `yaml:"columns"`
	Tables       []tableDeclYAML   `yaml:"tables"`
	DocumentType string            `yaml:"document_type"`
	Approved     string            `yaml:"approved"`
	Kind         string            `yaml:"kind"`
	Fields       map[string]string `yaml:"fields"`
	Drop         []string          `yaml:"drop"`
}

func parseDataset(p string, fm *frontMatter, unsafe bool) (*parsedFile, []Problem) {
	var meta datasetMeta
	root, ps0 := decodeYAML(fm.yaml, fm.offset, &meta)
	if len(ps0) > 0 {
		return nil, ps0
	}
	var ps problems
	line := func(keys ...any) int { return nodeLine(root, keys...) + fm.offset }
	agency, slug := slugOf(p, kindDataset)
	if !validSlug(slug) {
		ps.add(0, "dataset folder name %q must be lower-case ASCII letters, digits and hyphens", slug)
	}
	c := parseCommon(&ps, line, meta.Title, meta.Category, meta.Published, meta.Updated)
	ds := &Dataset{
		Path:        agency + "/" + slug,
		Agency:      agency,
		Slug:        slug,
		Title:       c.title,
		Category:    c.category,
		Published:   c.published,
		Updated:     c.updated,
		License:     strings.TrimSpace(meta.License),
		Source:      strings.TrimSpace(meta.Source),
		Frequency:   strings.TrimSpace(meta.Frequency),
		Places:      cleanPlaces(meta.Places),
		Tags:        cleanTags(meta.Tags),
		IndexSource: p,
	}
	if ds.License == "" {
		ds.License = DefaultLicense
	}
	period := readPeriod(&ps, line, &meta.Period)
	dm := parseDocMeta(&ps, line, meta.DocumentType, period.raw, meta.Approved)
	ds.Disclosure = Disclosure{DocumentType: dm.documentType, Period: dm.period, Approved: dm.approved}
	applyPeriod(&ps, line, ds, period)
	parseRecordsMeta(&ps, line, ds, meta.Kind, meta.Fields, meta.Drop)
	pf := &parsedFile{dataset: ds, columns: declaredColumns{}, columnLines: map[string]int{},
		warnings: commentCuts(root, fm.offset, "title", "summary", "source", "license")}
	for i, col := range meta.Columns {
		c := Column{Name: strings.TrimSpace(col.Name), Title: strings.TrimSpace(col.Title), Type: ColumnType(strings.ToLower(strings.TrimSpace(col.Type))), Unit: strings.TrimSpace(col.Unit), Description: strings.TrimSpace(col.Description)}
		l := line("columns", i)
		switch c.Type {
		case "", TypeText, TypeInteger, TypeDecimal, TypeMoney, TypePercent, TypeDate, TypeCode:
		default:
			ps.add(line("columns", i, "type"), "unknown column type %q (text, integer, decimal, money, percent, date, code)", c.Type)
		}
		if c.Name == "" {
			ps.add(l, "a declared column needs the name of its header")
			continue
		}
		if _, dup := pf.columns[c.Name]; dup {
			ps.add(l, "column %q is declared twice", c.Name)
			continue
		}
		pf.columns[c.Name] = c
		pf.columnLines[c.Name] = l
		ds.Columns = append(ds.Columns, c)
	}
	pf.tables = checkTableDecls(meta.Tables, line, &ps)
	if len(ps) > 0 {
		return nil, ps
	}
	body := bytes.TrimSpace(fm.body)
	r, err := renderMarkdown(body, unsafe, agency+"/"+slug)
	if err != nil {
		return nil, []Problem{{Line: fm.bodyLine, Msg: msg.New("%v", err)}}
	}
	ds.HTML, ds.Text = r.html, r.text
	ds.Summary = strings.Join(strings.Fields(meta.Summary), " ")
	if ds.Summary == "" {
		ds.Summary = summarize(r.firstPara, 300)
	}
	return pf, nil
}
