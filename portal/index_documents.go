package portal

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/search"
)

// rowsPerPage must match the dataset page's page size, so a row hit links to
// the page that shows the row.
const rowsPerPage = 50

// rowID is the search document of row n of the table with the id table (a
// file, or a file and a sheet: "…/bang-gia.xlsx#Lao Bảo").
func rowID(table string, n int) string { return "r:" + table + "#" + strconv.Itoa(n) }

// placeLabels turns places into facet values: each named level, most specific
// first, without the site's own province (every document would carry it).
func placeLabels(site *content.Site, places []content.Place) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] && s != site.Config.Province {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, pl := range places {
		add(pl.Commune)
		add(pl.District)
		add(pl.Province)
	}
	return out
}

func (p *Portal) noticeDoc(snap *Snapshot, n *content.Notice) search.Document {
	// Bodies are not kept in memory; only changed notices come here.
	body, err := n.Body()
	if err != nil {
		// Changed or deleted since the snapshot: the reload that follows brings
		// a new hash (or removes the notice) and this document is redone.
		p.log.Warn("notice indexed without its body", "path", n.Path, "err", err)
	}
	return search.Document{
		ID:        "n:" + n.Path,
		Kind:      "notice",
		URL:       "/" + n.Path,
		Title:     n.Title,
		Body:      body.Text,
		Number:    n.Number,
		Signer:    n.Signer,
		Agency:    n.Agency,
		Category:  string(n.Category),
		Places:    placeLabels(snap.Site, n.Places),
		Tags:      n.Tags,
		Published: n.Published,
	}
}

func (p *Portal) datasetDoc(snap *Snapshot, d *content.Dataset) search.Document {
	var b strings.Builder
	b.WriteString(d.Text)
	for _, c := range d.Columns {
		b.WriteString("\n" + c.Title + " " + c.Description)
	}
	return search.Document{
		ID:        "d:" + d.Path,
		Kind:      "dataset",
		URL:       "/" + d.Path,
		Title:     d.Title,
		Body:      b.String(),
		Agency:    d.Agency,
		Category:  string(d.Category),
		Places:    placeLabels(snap.Site, d.Places),
		Tags:      d.Tags,
		Published: d.Published,
	}
}

// rowDoc makes one table row searchable: its text cells form the title (a road
// and its segment, an item of a budget), every cell with its column title forms
// the body, the dataset's title its context, and a column of communes adds the
// row's place.
func (p *Portal) rowDoc(snap *Snapshot, d *content.Dataset, t *content.Table, r content.Row) search.Document {
	var title, body, cols []string
	places := placeLabels(snap.Site, d.Places)
	for i, v := range r.Cells {
		// The row numbers (STT: "I", "1", "a") find nothing a reader asks for.
		if v.Raw == "" || i >= len(t.Columns) || i == t.MarkerColumn {
			continue
		}
		col := t.Columns[i]
		if col.Type == content.TypeText || col.Type == "" {
			// Other columns' titles are in the body beside their values.
			cols = append(cols, col.Title)
			// Text cells are the row's title; not repeated in the body, which
			// would double the index for nothing.
			title = append(title, v.Raw)
			if isPlaceColumn(col) {
				places = append(places, v.Raw)
			}
			continue
		}
		body = append(body, col.Title+": "+v.Raw)
	}
	tt := strings.Join(title, " – ")
	if len([]rune(tt)) > 200 {
		tt = string([]rune(tt)[:200]) + "…"
	}
	if tt == "" {
		tt = d.Title + " – " + strconv.Itoa(r.N)
	}
	return search.Document{
		ID:    rowID(t.ID, r.N),
		Kind:  "row",
		Lean:  true, // URL and the rest come back from resolveRow
		Title: tt,
		Body:  strings.Join(body, "; "),
		// The dataset's title and the column titles help a query find the row
		// ("giá đất Trần Hưng Đạo") but cannot match it alone ("giá đất").
		Context:   d.Title + "\n" + strings.Join(cols, " "),
		Agency:    d.Agency,
		Category:  string(d.Category),
		Places:    places,
		Published: d.Updated,
	}
}

// rowURL is the dataset page at the row.
func rowURL(d *content.Dataset, t *content.Table, n int) string {
	page := (n-1)/rowsPerPage + 1
	return fmt.Sprintf("/%s?bang=%s&trang=%d#r%d", d.Path, t.Name, page, n)
}

// resolveRow fills what a row's hit does not store (rowDoc makes them lean)
// from its dataset. It reports false when the row's table is no longer in
// the snapshot: a change the index has not caught up with yet.
func resolveRow(snap *Snapshot, h *search.Hit) bool {
	id := strings.TrimPrefix(h.ID, "r:")
	k := strings.LastIndexByte(id, '#')
	if k < 0 {
		return false
	}
	n, err := strconv.Atoi(id[k+1:])
	if err != nil || n < 1 {
		return false
	}
	id = id[:k]
	// A dataset's tables are the table files of its own folder (a sheet's
	// name holds no slash).
	d, ok := snap.Site.Dataset(path.Dir(id))
	if !ok {
		return false
	}
	i := slices.IndexFunc(d.Tables, func(t *content.Table) bool { return t.ID == id })
	if i < 0 || n > d.Tables[i].RowCount {
		return false
	}
	t := d.Tables[i]
	h.URL, h.Parent = rowURL(d, t, n), "d:"+d.Path
	h.Agency, h.Category, h.Published = d.Agency, string(d.Category), d.Updated
	h.Places = placeLabels(snap.Site, d.Places)
	return true
}

// isPlaceColumn recognises a column of communes or wards by its name or title.
func isPlaceColumn(c content.Column) bool {
	for _, s := range []string{c.Name, c.Title} {
		f := strings.ReplaceAll(content.Fold(s), "_", " ")
		switch f {
		case "xa", "phuong", "xa phuong", "phuong xa", "xa, phuong", "xa, phuong, thi tran", "xa, thi tran", "commune", "ward":
			return true
		}
	}
	return false
}

// qaDoc makes a published question and answer searchable. It holds no personal
// data: the store publishes only the texts staff edited for publication.
func qaDoc(snap *Snapshot, qa feedback.PublicQA) search.Document {
	title := qa.Question
	if r := []rune(title); len(r) > 160 {
		title = string(r[:160]) + "…"
	}
	var places []string
	var category string
	if n, d := snap.Lookup(qa.TargetPath); n != nil {
		places, category = placeLabels(snap.Site, n.Places), string(n.Category)
	} else if d != nil {
		places, category = placeLabels(snap.Site, d.Places), string(d.Category)
	}
	body := qa.Question + "\n" + qa.Answer
	if qa.TargetTitle != "" {
		body += "\n" + qa.TargetTitle
	}
	return search.Document{
		ID:        "q:" + strconv.FormatInt(qa.ID, 10),
		Kind:      "qa",
		URL:       "/hoi-dap/" + strconv.FormatInt(qa.ID, 10),
		Title:     title,
		Body:      body,
		Agency:    qa.Agency,
		Category:  category,
		Places:    places,
		Published: qa.PublishedAt,
	}
}
