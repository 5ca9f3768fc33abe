package content

import (
	"bytes"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/congkhai/congkhai/msg"
)

type noticeMeta struct {
	Title       string   `yaml:"title"`
	Category    string   `yaml:"category"`
	Published   string   `yaml:"published"`
	Updated     string   `yaml:"updated"`
	Number      string   `yaml:"number"`
	Signer      string   `yaml:"signer"`
	SignerTitle string   `yaml:"signer_title"`
	Effective   string   `yaml:"effective"`
	Expires     string   `yaml:"expires"`
	Summary     string   `yaml:"summary"`
	Places      []Place  `yaml:"places"`
	Tags        []string `yaml:"tags"`
	Attachments []struct {
		Title string `yaml:"title"`
		File  string `yaml:"file"`
		URL   string `yaml:"url"`
	} `yaml:"attachments"`
	Related []string `yaml:"related"`
	Comment *struct {
		Opens  string `yaml:"opens"`
		Closes string `yaml:"closes"`
	} `yaml:"comment"`
	DocumentType string `yaml:"document_type"`
	Period       string `yaml:"period"`
	Approved     string `yaml:"approved"`
}

func parseNotice(p string, fm *frontMatter, unsafe bool) (*parsedFile, []Problem) {
	var meta noticeMeta
	root, ps0 := decodeYAML(fm.yaml, fm.offset, &meta)
	if len(ps0) > 0 {
		return nil, ps0
	}
	var ps problems
	line := func(keys ...any) int { return nodeLine(root, keys...) + fm.offset }
	agency, slug := slugOf(p, kindNotice)
	if !validSlug(slug) {
		ps.add(0, "file name %q must be lower-case ASCII letters, digits and hyphens (e.g. du-toan-2025.md)", slug+path.Ext(p))
	}
	c := parseCommon(&ps, line, meta.Title, meta.Category, meta.Published, meta.Updated)
	n := &Notice{
		Path:        agency + "/" + slug,
		Agency:      agency,
		Slug:        slug,
		Title:       c.title,
		Category:    c.category,
		Published:   c.published,
		Updated:     c.updated,
		Number:      strings.TrimSpace(meta.Number),
		Signer:      strings.TrimSpace(meta.Signer),
		SignerTitle: strings.TrimSpace(meta.SignerTitle),
		Effective:   parseDateField(&ps, line("effective"), "effective", meta.Effective),
		Expires:     parseDateField(&ps, line("expires"), "expires", meta.Expires),
		Places:      cleanPlaces(meta.Places),
		Tags:        cleanTags(meta.Tags),
		Source:      p,
	}
	dm := parseDocMeta(&ps, line, meta.DocumentType, meta.Period, meta.Approved)
	n.Disclosure = Disclosure{DocumentType: dm.documentType, Period: dm.period, Approved: dm.approved}
	if !n.Effective.IsZero() && !n.Expires.IsZero() && n.Expires.Before(n.Effective) {
		ps.add(line("expires"), "expires (%s) is before effective (%s)", n.Expires.Format("02/01/2006"), n.Effective.Format("02/01/2006"))
	}
	pf := &parsedFile{notice: n, warnings: commentCuts(root, fm.offset, "title", "number", "summary", "signer", "signer_title")}
	for i, a := range meta.Attachments {
		ra := rawAttachment{Attachment: Attachment{Title: strings.TrimSpace(a.Title)}, file: strings.TrimSpace(a.File), line: line("attachments", i)}
		u := strings.TrimSpace(a.URL)
		switch {
		case ra.file != "" && u != "":
			ps.add(ra.line, "attachment has both file and url; give one")
			continue
		case ra.file == "" && u == "":
			ps.add(ra.line, "attachment needs a file (in the content folder) or a url")
			continue
		case u != "":
			pu, err := url.Parse(u)
			if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				ps.add(line("attachments", i, "url"), "attachment url %q must be an http:// or https:// address", u)
				continue
			}
			ra.URL = u
			if ra.Title == "" {
				ra.Title = path.Base(pu.Path)
			}
		default:
			ra.line = line("attachments", i, "file")
			if ra.Title == "" {
				ra.Title = path.Base(ra.file)
			}
		}
		pf.attachments = append(pf.attachments, ra)
	}
	for i, r := range meta.Related {
		if r = strings.TrimSpace(r); r != "" {
			pf.related = append(pf.related, rawRef{ref: r, line: line("related", i)})
		}
	}
	if meta.Comment != nil {
		if c.category != CatDraft && c.category != "" {
			ps.add(line("comment"), "comment (a window for comments) is only for drafts (category du-thao)")
		}
		opens := parseDateField(&ps, line("comment", "opens"), "comment opens", meta.Comment.Opens)
		var closes time.Time
		if strings.TrimSpace(meta.Comment.Closes) != "" {
			t, hasTime, err := parseDate(meta.Comment.Closes)
			if err != nil {
				ps.add(line("comment", "closes"), "comment closes: %v", err)
			} else if !hasTime {
				t = endOfDay(t)
			}
			closes = t
		}
		if opens.IsZero() && strings.TrimSpace(meta.Comment.Opens) == "" {
			ps.add(line("comment"), "comment needs opens (first day comments are accepted)")
		}
		if closes.IsZero() && strings.TrimSpace(meta.Comment.Closes) == "" {
			ps.add(line("comment"), "comment needs closes (last day comments are accepted)")
		}
		if !opens.IsZero() && !closes.IsZero() {
			if closes.Before(opens) {
				ps.add(line("comment", "closes"), "comment closes (%s) is before opens (%s)", closes.Format("02/01/2006"), opens.Format("02/01/2006"))
			}
			n.Comment = &CommentWindow{Opens: opens, Closes: closes}
		}
	} else if c.category == CatDraft {
		ps.add(line("category"), "a draft (du-thao) needs a comment window:\ncomment:\n  opens: 2025-03-01\n  closes: 2025-03-31")
	}
	if len(ps) > 0 {
		return nil, ps
	}
	n.Summary = strings.Join(strings.Fields(meta.Summary), " ")
	if n.Summary == "" {
		// The body itself is rendered when it is shown (Notice.Body).
		first, err := markdownSummary(bytes.TrimSpace(fm.body), unsafe, agency)
		if err != nil {
			return nil, []Problem{{Line: fm.bodyLine, Msg: msg.New("%v", err)}}
		}
		n.Summary = summarize(first, 300)
	}
	return pf, nil
}
