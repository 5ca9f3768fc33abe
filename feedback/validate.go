package feedback

import (
	"crypto/rand"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on what a citizen may send, in runes.
const (
	MinBodyLen    = 10
	MaxBodyLen    = 5000
	MaxNameLen    = 100
	MaxSubjectLen = 200
	MaxAddressLen = 300
	MaxEmailLen   = 254
	MaxTitleLen   = 500
	MaxCommentLen = 1000
)

// cleanLine NFC-normalises s, drops control and bidi-override characters,
// turns any run of white space (newlines included) into one space and trims.
func cleanLine(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case dropRune(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// cleanText is cleanLine for multi-line text: line breaks survive (CRLF and CR
// become LF, at most two blank lines in a row), tabs become spaces, each line
// is trimmed on the right.
func cleanText(s string) string {
	s = norm.NFC.String(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		var b strings.Builder
		for _, r := range l {
			if r == '\t' {
				r = ' '
			}
			if dropRune(r) {
				continue
			}
			b.WriteRune(r)
		}
		l = strings.TrimRightFunc(b.String(), unicode.IsSpace)
		if l == "" {
			blank++
			if blank > 2 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// dropRune is true for control characters and the invisible format characters
// that can disguise text (bidi overrides, zero-width spaces, BOM).
func dropRune(r rune) bool {
	if r == utf8.RuneError {
		return true
	}
	if unicode.Is(unicode.Cc, r) {
		return true
	}
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200B, r == 0xFEFF, r == 0x200E, r == 0x200F:
		return true
	}
	return false
}

var phoneRe = regexp.MustCompile(`^(?:0|\+84|84)([1-9][0-9]{8,9})$`)

// normalizePhone returns the number in national form (0xxxxxxxxx) without
// separators, ok false when it is not a Vietnamese number (mobile 0[35789]x
// 8 digits, landline 02xx with 7–8 more digits; +84 accepted).
func normalizePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	m := phoneRe.FindStringSubmatch(b.String())
	if m == nil {
		return "", false
	}
	n := "0" + m[1]
	switch {
	case len(n) == 10 && strings.ContainsRune("35789", rune(n[1])): // mobile
	case len(n) == 11 && n[1] == '2': // landline with the 2xx area code
	default:
		return "", false
	}
	return n, true
}

// validEmail reports whether s is a bare address with a dotted domain.
func validEmail(s string) bool {
	if len(s) > MaxEmailLen || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	return at > 0 && strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// clean normalises every field of n in place and returns what is wrong.
func (n *NewSubmission) clean() *ValidationError {
	v := &ValidationError{}
	n.Type = Type(strings.TrimSpace(string(n.Type)))
	n.Agency = cleanLine(n.Agency)
	n.TargetPath = cleanLine(n.TargetPath)
	n.TargetTitle = cleanLine(n.TargetTitle)
	n.Subject = cleanLine(n.Subject)
	n.Body = cleanText(n.Body)
	n.Name = cleanLine(n.Name)
	n.Phone = cleanLine(n.Phone)
	n.Email = strings.ToLower(cleanLine(n.Email))
	n.Address = cleanLine(n.Address)
	n.IPHash = cleanLine(n.IPHash)

	if !n.Type.Valid() {
		v.add("type", "Vui lòng chọn loại ý kiến.")
	}
	switch l := runes(n.Body); {
	case l == 0:
		v.add("body", "Vui lòng nhập nội dung.")
	case l < MinBodyLen:
		v.add("body", "Nội dung quá ngắn (tối thiểu 10 ký tự).")
	case l > MaxBodyLen:
		v.add("body", "Nội dung quá dài (tối đa 5000 ký tự).")
	}
	if runes(n.Subject) > MaxSubjectLen {
		v.add("subject", "Tiêu đề quá dài (tối đa 200 ký tự).")
	}
	if runes(n.Name) > MaxNameLen {
		v.add("name", "Họ tên quá dài (tối đa 100 ký tự).")
	}
	if n.Phone != "" {
		if p, ok := normalizePhone(n.Phone); ok {
			n.Phone = p
		} else {
			v.add("phone", "Số điện thoại không hợp lệ (ví dụ: 0912345678 hoặc +84912345678).")
		}
	}
	if n.Email != "" && !validEmail(n.Email) {
		v.add("email", "Địa chỉ email không hợp lệ.")
	}
	if runes(n.Address) > MaxAddressLen {
		v.add("address", "Địa chỉ quá dài (tối đa 300 ký tự).")
	}
	if runes(n.TargetPath) > MaxTitleLen || runes(n.TargetTitle) > MaxTitleLen || runes(n.Agency) > MaxTitleLen || len(n.IPHash) > 128 {
		v.add("target", "Đối tượng góp ý không hợp lệ.")
	}
	if n.Type == TypeComment {
		switch {
		case n.TargetPath == "":
			v.add("target", "Góp ý dự thảo phải gắn với một dự thảo.")
		case n.CommentOpens.IsZero() || n.CommentCloses.IsZero():
			v.add("type", "Dự thảo này không lấy ý kiến.")
		case n.Now.Before(n.CommentOpens):
			v.add("type", "Dự thảo chưa đến thời gian lấy ý kiến.")
		case n.Now.After(n.CommentCloses):
			v.add("type", "Đã hết thời gian lấy ý kiến dự thảo này.")
		}
	}
	return v
}

// Tracking codes are "GY-" (góp ý) and 12 characters of Crockford's base32
// (no I, L, O, U) in three groups of four: 60 random bits from crypto/rand,
// so that guessing one among a million stored codes takes ~10^12 tries.
const (
	codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codePrefix   = "GY"
	codeLen      = 12
)

// newCode returns a fresh random tracking code.
func newCode() string {
	var buf [codeLen]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic("feedback: crypto/rand failed: " + err.Error()) // never on supported systems
	}
	var b strings.Builder
	b.WriteString(codePrefix)
	for i, c := range buf {
		if i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(codeAlphabet[c&31]) // 256 is a multiple of 32: no bias
	}
	return b.String()
}

// NormalizeCode turns what a citizen typed into the canonical tracking code:
// case, spaces and dashes do not matter, the "GY" prefix is optional, and the
// letters O, I and L read as the digits 0, 1 and 1. ok is false when s cannot
// be a code.
func NormalizeCode(s string) (code string, ok bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '.' || r == '_':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > unicode.MaxASCII {
			return "", false
		}
		b.WriteRune(r)
	}
	raw := b.String()
	if len(raw) == codeLen+len(codePrefix) && strings.HasPrefix(raw, codePrefix) {
		raw = raw[len(codePrefix):]
	}
	if len(raw) != codeLen {
		return "", false
	}
	for i := 0; i < len(raw); i++ {
		if strings.IndexByte(codeAlphabet, raw[i]) < 0 {
			return "", false
		}
	}
	return codePrefix + "-" + raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12], true
}

// containsPersonal returns the name of the personal detail (name, phone,
// email, address) of sub that text repeats, or "".
func containsPersonal(text string, sub *Submission) string {
	low := strings.ToLower(norm.NFC.String(text))
	if sub.Email != "" && strings.Contains(low, strings.ToLower(sub.Email)) {
		return "email"
	}
	if sub.Phone != "" {
		digits := onlyDigits(text)
		national := onlyDigits(sub.Phone) // 0xxxxxxxxx
		if strings.Contains(digits, national) || strings.Contains(digits, "84"+national[1:]) {
			return "phone"
		}
	}
	// A single word ("An", "Hoa") identifies nobody and is an ordinary word too.
	if len(strings.Fields(sub.Name)) >= 2 && containsWords(low, strings.ToLower(sub.Name)) {
		return "name"
	}
	if runes(sub.Address) >= 8 && strings.Contains(low, strings.ToLower(sub.Address)) {
		return "address"
	}
	return ""
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// containsWords reports whether needle occurs in hay on word boundaries, so
// that "văn an" is not found inside "văn anh".
func containsWords(hay, needle string) bool {
	for i := 0; ; {
		j := strings.Index(hay[i:], needle)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(needle)
		before, _ := utf8.DecodeLastRuneInString(hay[:start])
		after, _ := utf8.DecodeRuneInString(hay[end:])
		if (start == 0 || !isWordRune(before)) && (end == len(hay) || !isWordRune(after)) {
			return true
		}
		i = start + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
