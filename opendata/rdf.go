package opendata

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Namespaces of the vocabularies the graphs use, with the prefixes every
// serialisation declares.
var namespaces = []struct{ prefix, iri string }{
	{"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
	{"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
	{"xsd", "http://www.w3.org/2001/XMLSchema#"},
	{"dcat", "http://www.w3.org/ns/dcat#"},
	{"dct", "http://purl.org/dc/terms/"},
	{"foaf", "http://xmlns.com/foaf/0.1/"},
	{"vcard", "http://www.w3.org/2006/vcard/ns#"},
	{"skos", "http://www.w3.org/2004/02/skos/core#"},
	{"locn", "http://www.w3.org/ns/locn#"},
	{"spdx", "http://spdx.org/rdf/terms#"},
	{"adms", "http://www.w3.org/ns/adms#"},
	{"hydra", "http://www.w3.org/ns/hydra/core#"},
	{"dcatap", "http://data.europa.eu/r5r/"},
	{"schema", "http://schema.org/"},
}

func ns(prefix string) string {
	for _, n := range namespaces {
		if n.prefix == prefix {
			return n.iri
		}
	}
	panic("opendata: unknown prefix " + prefix)
}

// expand turns "dct:title" into its IRI.
func expand(qname string) string {
	p, local, _ := strings.Cut(qname, ":")
	return ns(p) + local
}

// Term is a node or a value of a graph: an IRI, a blank node ("_:b1") or a
// literal.
type Term struct {
	IRI      string // set for an IRI
	BNode    string // set for a blank node: its label without "_:"
	Value    string // a literal's lexical form
	Lang     string // a literal's language tag
	Datatype string // a literal's datatype IRI ("" for a string)
}

// IRI is an IRI term.
func IRI(s string) Term { return Term{IRI: s} }

// Q is the IRI term of a prefixed name ("dcat:Dataset").
func Q(qname string) Term { return Term{IRI: expand(qname)} }

// Lit is a plain string literal.
func Lit(s string) Term { return Term{Value: s} }

// LangLit is a literal in a language.
func LangLit(s, lang string) Term { return Term{Value: s, Lang: lang} }

// Typed is a literal of a datatype given as a prefixed name ("xsd:date").
func Typed(s, datatype string) Term { return Term{Value: s, Datatype: expand(datatype)} }

func (t Term) isLiteral() bool { return t.IRI == "" && t.BNode == "" }

// Triple is a statement.
type Triple struct{ S, P, O Term }

// Graph is a set of statements in the order they were added.
type Graph struct {
	Triples []Triple
	bnodes  int
	seen    map[Triple]bool
}

// Add adds a statement (once); a literal with an empty value is left out,
// so optional properties can be added without a check.
func (g *Graph) Add(s Term, p string, o Term) {
	if o.isLiteral() && o.Value == "" {
		return
	}
	t := Triple{s, Q(p), o}
	if g.seen == nil {
		g.seen = map[Triple]bool{}
	}
	if g.seen[t] {
		return
	}
	g.seen[t] = true
	g.Triples = append(g.Triples, t)
}

// BNode returns a new blank node.
func (g *Graph) BNode() Term {
	g.bnodes++
	return Term{BNode: "b" + strconv.Itoa(g.bnodes)}
}

// subjects groups the statements by subject, in the order subjects appear.
func (g *Graph) subjects() ([]Term, map[Term][]Triple) {
	var order []Term
	by := map[Term][]Triple{}
	for _, t := range g.Triples {
		if _, ok := by[t.S]; !ok {
			order = append(order, t.S)
		}
		by[t.S] = append(by[t.S], t)
	}
	return order, by
}

// The media types of the serialisations.
const (
	MediaTurtle = "text/turtle; charset=utf-8"
	MediaJSONLD = "application/ld+json"
	MediaRDFXML = "application/rdf+xml"
)

// Write writes the graph in a format: "ttl" (Turtle), "jsonld" (JSON-LD) or
// "rdf" (RDF/XML).
func (g *Graph) Write(w io.Writer, format string) error {
	switch format {
	case "ttl":
		return g.WriteTurtle(w)
	case "jsonld":
		return g.WriteJSONLD(w)
	case "rdf":
		return g.WriteRDFXML(w)
	}
	return fmt.Errorf("opendata: unknown RDF format %q", format)
}

// WriteTurtle writes the graph as Turtle: prefixes, then one block per
// subject with its predicates in the order added.
func (g *Graph) WriteTurtle(w io.Writer) error {
	var b bytes.Buffer
	for _, n := range namespaces {
		fmt.Fprintf(&b, "@prefix %s: <%s> .\n", n.prefix, n.iri)
	}
	order, by := g.subjects()
	for _, s := range order {
		b.WriteByte('\n')
		b.WriteString(turtleTerm(s))
		ts := by[s]
		for i := 0; i < len(ts); {
			p := ts[i].P
			if i == 0 {
				b.WriteString(" ")
			} else {
				b.WriteString(" ;\n    ")
			}
			if p.IRI == expand("rdf:type") {
				b.WriteString("a")
			} else {
				b.WriteString(turtleTerm(p))
			}
			first := true
			for ; i < len(ts) && ts[i].P == p; i++ {
				if !first {
					b.WriteString(" ,\n        ")
				} else {
					b.WriteByte(' ')
				}
				first = false
				b.WriteString(turtleTerm(ts[i].O))
			}
		}
		b.WriteString(" .\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// turtleTerm writes a term: a prefixed name when the IRI's local part is a
// plain name, else <IRI>.
func turtleTerm(t Term) string {
	switch {
	case t.BNode != "":
		return "_:" + t.BNode
	case t.IRI != "":
		if q, ok := prefixed(t.IRI); ok {
			return q
		}
		return "<" + escapeIRI(t.IRI) + ">"
	}
	s := `"` + escapeTurtle(t.Value) + `"`
	switch {
	case t.Lang != "":
		s += "@" + t.Lang
	case t.Datatype != "":
		if q, ok := prefixed(t.Datatype); ok {
			s += "^^" + q
		} else {
			s += "^^<" + escapeIRI(t.Datatype) + ">"
		}
	}
	return s
}

// prefixed writes an IRI of a known namespace as prefix:local when local is
// a simple name (letters, digits, "_" and "-", not starting with "-").
func prefixed(iri string) (string, bool) {
	for _, n := range namespaces {
		local, ok := strings.CutPrefix(iri, n.iri)
		if !ok || local == "" || local[0] == '-' {
			continue
		}
		simple := true
		for _, r := range local {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
				simple = false
				break
			}
		}
		if simple {
			return n.prefix + ":" + local, true
		}
	}
	return "", false
}

// escapeIRI escapes the characters an IRIREF may not hold.
func escapeIRI(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r <= 0x20 || strings.ContainsRune(`<>"{}|^`+"`\\", r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func escapeTurtle(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// WriteJSONLD writes the graph as JSON-LD: a context of the prefixes (inline,
// so no document has to be fetched to read it) and a flat @graph of node
// objects, every value in its expanded form.
func (g *Graph) WriteJSONLD(w io.Writer) error {
	ctx := map[string]string{}
	for _, n := range namespaces {
		ctx[n.prefix] = n.iri
	}
	type node = map[string]any
	order, by := g.subjects()
	nodes := make([]node, 0, len(order))
	for _, s := range order {
		n := node{"@id": jsonldID(s)}
		var types []string
		for _, t := range by[s] {
			if t.P.IRI == expand("rdf:type") && t.O.IRI != "" {
				types = append(types, compactIRI(t.O.IRI))
				continue
			}
			key := compactIRI(t.P.IRI)
			var v any
			switch {
			case t.O.IRI != "" || t.O.BNode != "":
				v = map[string]string{"@id": jsonldID(t.O)}
			case t.O.Lang != "":
				v = map[string]string{"@value": t.O.Value, "@language": t.O.Lang}
			case t.O.Datatype != "":
				v = map[string]string{"@value": t.O.Value, "@type": compactIRI(t.O.Datatype)}
			default:
				v = map[string]string{"@value": t.O.Value}
			}
			vs, _ := n[key].([]any)
			n[key] = append(vs, v)
		}
		if len(types) > 0 {
			n["@type"] = types
		}
		nodes = append(nodes, n)
	}
	doc := struct {
		Context map[string]string `json:"@context"`
		Graph   []node            `json:"@graph"`
	}{ctx, nodes}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func jsonldID(t Term) string {
	if t.BNode != "" {
		return "_:" + t.BNode
	}
	return t.IRI
}

// compactIRI writes an IRI as prefix:local when it is in a known namespace
// (JSON-LD reads any local part after a prefix).
func compactIRI(iri string) string {
	for _, n := range namespaces {
		if local, ok := strings.CutPrefix(iri, n.iri); ok && local != "" && !strings.HasPrefix(local, "//") {
			return n.prefix + ":" + local
		}
	}
	return iri
}

// WriteRDFXML writes the graph as RDF/XML: one rdf:Description per subject
// (typed nodes stay descriptions with rdf:type, the simplest form every
// parser reads).
func (g *Graph) WriteRDFXML(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<rdf:RDF")
	used := map[string]bool{"rdf": true}
	for _, t := range g.Triples {
		for _, iri := range []string{t.P.IRI, t.O.Datatype} {
			if p := prefixOf(iri); p != "" {
				used[p] = true
			}
		}
	}
	var prefixes []string
	for p := range used {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		fmt.Fprintf(&b, "\n  xmlns:%s=\"%s\"", p, ns(p))
	}
	b.WriteString(">\n")
	order, by := g.subjects()
	for _, s := range order {
		if s.BNode != "" {
			fmt.Fprintf(&b, "  <rdf:Description rdf:nodeID=\"%s\">\n", s.BNode)
		} else {
			fmt.Fprintf(&b, "  <rdf:Description rdf:about=\"%s\">\n", xmlEscape(s.IRI))
		}
		for _, t := range by[s] {
			el, ok := xmlName(t.P.IRI)
			if !ok {
				return fmt.Errorf("opendata: predicate %s has no XML name", t.P.IRI)
			}
			switch {
			case t.O.BNode != "":
				fmt.Fprintf(&b, "    <%s rdf:nodeID=\"%s\"/>\n", el, t.O.BNode)
			case t.O.IRI != "":
				fmt.Fprintf(&b, "    <%s rdf:resource=\"%s\"/>\n", el, xmlEscape(t.O.IRI))
			case t.O.Lang != "":
				fmt.Fprintf(&b, "    <%s xml:lang=\"%s\">%s</%s>\n", el, t.O.Lang, xmlEscape(t.O.Value), el)
			case t.O.Datatype != "":
				fmt.Fprintf(&b, "    <%s rdf:datatype=\"%s\">%s</%s>\n", el, xmlEscape(t.O.Datatype), xmlEscape(t.O.Value), el)
			default:
				fmt.Fprintf(&b, "    <%s>%s</%s>\n", el, xmlEscape(t.O.Value), el)
			}
		}
		b.WriteString("  </rdf:Description>\n")
	}
	b.WriteString("</rdf:RDF>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func prefixOf(iri string) string {
	for _, n := range namespaces {
		if strings.HasPrefix(iri, n.iri) {
			return n.prefix
		}
	}
	return ""
}

func xmlName(iri string) (string, bool) {
	q, ok := prefixed(iri)
	if !ok || strings.ContainsAny(q[strings.IndexByte(q, ':')+1:][:1], "0123456789-") {
		return "", false
	}
	return q, true
}

// xmlEscape escapes text and attribute values, leaving out the characters
// XML 1.0 forbids.
func xmlEscape(s string) string {
	var b bytes.Buffer
	clean := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, s)
	xml.EscapeText(&b, []byte(clean))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}
