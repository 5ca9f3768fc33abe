package content

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s without Vietnamese diacritics, lower-cased: it decomposes s (NFD),
// drops the combining marks, maps đ and Đ to d and lower-cases the result, which is
// returned in NFC. Spaces and punctuation are kept ("Đất đai" → "dat dai"); use
// Slugify for a URL-safe form.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}

// Slugify folds s (see Fold) and turns every run of characters other than ASCII
// letters and digits into a single hyphen, trimmed at both ends:
// "Đất đai & Quy hoạch" → "dat-dai-quy-hoach". It returns "" when s has no letter
// or digit.
func Slugify(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	dash := false
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteByte(c)
			continue
		}
		dash = true
	}
	return b.String()
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validSlug reports whether s is a valid name for an agency, notice, dataset or table.
func validSlug(s string) bool { return slugRE.MatchString(s) }

// isReserved reports whether slug is taken by the portal's own routes.
func isReserved(slug string) bool {
	if strings.HasPrefix(slug, "feed.") {
		return true
	}
	for _, r := range reservedSlugs {
		if r == slug {
			return true
		}
	}
	return false
}

var bom = []byte("\ufeff")

// cleanText prepares the bytes of a text file: it strips a BOM, turns CRLF and lone
// CR into LF, removes soft hyphens and normalises to NFC. The line structure is kept,
// so line numbers in the result are line numbers in the file. b must be valid UTF-8.
func cleanText(b []byte) []byte {
	b = bytes.TrimPrefix(b, bom)
	if bytes.IndexByte(b, '\r') >= 0 {
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
		b = bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
	}
	if bytes.Contains(b, []byte("\u00ad")) {
		b = bytes.ReplaceAll(b, []byte("\u00ad"), nil)
	}
	return norm.NFC.Bytes(b)
}

// invalidUTF8Line returns the 1-based line of the first invalid UTF-8 sequence in b,
// or 0 when b is valid.
func invalidUTF8Line(b []byte) int {
	if utf8.Valid(b) {
		return 0
	}
	line := 1
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if b[i] == '\n' {
			line++
		}
		i += size
	}
	return line
}

// ignoredName reports whether a file or folder name is skipped by Load and Watch:
// dot-files, names starting with "_" (except _agency.md), editor backups and
// temporary files.
func ignoredName(name string) bool {
	if name == "_agency.md" {
		return false
	}
	if name == "" || name[0] == '.' || name[0] == '_' || name[0] == '#' {
		return true
	}
	if strings.HasSuffix(name, "~") || name == "4913" {
		return true
	}
	for _, suf := range []string{".swp", ".swx", ".tmp", ".part", ".crdownload"} {
		if strings.HasSuffix(strings.ToLower(name), suf) {
			return true
		}
	}
	return false
}

// summarize cuts plain text at about max bytes on a word boundary, adding "…".
func summarize(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexByte(s[:max], ' ')
	if cut < max/2 {
		cut = max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:.-–") + "…"
}
