package content

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/congkhai/congkhai/msg"
)

// yamlHint returns what to write instead, for the common causes of a YAML
// syntax error msg that yaml.v3 found at line (1-based) of the YAML text y, and
// the line the advice is about (where an unclosed quote opened, say); no Text when
// it knows no advice.
func yamlHint(m string, y []byte, line int) (hint msg.Text, at int) {
	lines := strings.Split(string(y), "\n")
	text := ""
	if line >= 1 && line <= len(lines) {
		text = lines[line-1]
	}
	indent, key, value, isField := splitField(text)
	switch {
	case strings.Contains(m, "tab character") || (strings.Contains(m, "cannot start any token") && strings.Contains(text, "\t")):
		return msg.New("indent with spaces, not tabs"), line
	case strings.Contains(m, "mapping values are not allowed"):
		if isField && !quoted(value) && (strings.Contains(value, ": ") || strings.HasSuffix(value, ":")) {
			return msg.New("a value that contains \": \" must be in quotes: %s%s: %s", indent, key, quote(value)), line
		}
		if strings.TrimLeft(text, " ") != text {
			return msg.New("check the indentation of this line: it does not line up with the fields above it"), line
		}
	case strings.Contains(m, "cannot start any token") && isField && value != "" && strings.ContainsRune("`@%", rune(value[0])):
		return msg.New("a value starting with %q must be in quotes: %s%s: %s", value[:1], indent, key, quote(value)), line
	}
	// A quote opened and not closed on its line: yaml.v3 reads on to the end.
	for i, l := range lines {
		_, key, value, ok := splitField(l)
		if !ok || value == "" || (value[0] != '"' && value[0] != '\'') {
			continue
		}
		q := value[:1]
		if rest := strings.ReplaceAll(value[1:], `\`+q, ""); !strings.Contains(rest, q) {
			return msg.New("the quote that opens the value of %s is never closed: end the value with %s", key, q), i + 1
		} else if q == `"` && !strings.HasSuffix(strings.TrimSpace(stripComment(rest)), q) && i+1 == line {
			return msg.New("text follows the closing quote: put the whole value in quotes and write each quote inside as \\\": %s: %s", key, quote(value)), line
		}
	}
	if isField && value != "" && (value[0] == '[' || value[0] == '{') {
		return msg.New("a value starting with %q is read as a list: to write text, put it in quotes: %s%s: %s", value[:1], indent, key, quote(value)), line
	}
	return msg.Text{}, line
}

// splitField splits a line "  - key: value" into its indentation (spaces and
// "- "), key and value (trimmed); ok is false for a line that is no field.
func splitField(line string) (indent, key, value string, ok bool) {
	rest := strings.TrimLeft(line, " \t")
	for strings.HasPrefix(rest, "- ") {
		rest = strings.TrimLeft(rest[2:], " ")
	}
	indent = line[:len(line)-len(rest)]
	key, value, ok = strings.Cut(rest, ":")
	if !ok || key == "" || strings.ContainsAny(key, " \t\"'#") {
		return "", "", "", false
	}
	if value != "" && value[0] != ' ' && value[0] != '\t' {
		return "", "", "", false // "http://…" is no field
	}
	return indent, key, strings.TrimSpace(value), true
}

func quoted(v string) bool {
	return len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]
}

// quote writes v as a YAML double-quoted value.
func quote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

func stripComment(s string) string {
	if i := strings.Index(s, " #"); i >= 0 {
		return s[:i]
	}
	return s
}

// commentCuts reports the values of keys (in the mapping n) that a comment cut
// short: in YAML, " #" starts a comment, so "title: Kế hoạch #5 năm 2025" is
// the title "Kế hoạch". Document numbers and titles hold a "#" now and then; a
// comment after them is rare. Lines are offset by off.
func commentCuts(n *yaml.Node, off int, keys ...string) []Problem {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var ps []Problem
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode || v.Style != 0 || v.LineComment == "" || !slices.Contains(keys, k.Value) {
			continue
		}
		ps = append(ps, Problem{Line: v.Line + off, Msg: msg.New(
			"%s ends before %q: in YAML \" #\" starts a comment, so the rest of the line is not part of the value; put the whole value in quotes (%s: %s), or move a comment to a line of its own",
			k.Value, v.LineComment, k.Value, quote(v.Value+" "+v.LineComment))})
	}
	return ps
}
