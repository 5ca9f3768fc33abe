package tables

import (
	"strings"
)

// legacyFont is a pre-Unicode Vietnamese font family. Workbooks made before Unicode
// was common store Vietnamese as Latin-1 bytes that only such a font displays as
// Vietnamese: "T\xe6ng s\xe8" is "Tổng số" in .VnTime.
type legacyFont uint8

const (
	legacyNone       legacyFont = iota
	legacyTCVN3                 // .VnTime, .VnArial: TCVN 5712 (ABC), lower-case letters
	legacyTCVN3Upper            // .VnTimeH, .VnArialH: the same codes drawn as capitals
	legacyVNI                   // VNI-Times: base letters followed by tone bytes (not decoded)
)

func legacyFontOf(name string) legacyFont {
	n := strings.ToLower(strings.TrimSpace(name))
	switch {
	case strings.HasPrefix(n, ".vn"):
		if strings.HasSuffix(n, "h") {
			return legacyTCVN3Upper
		}
		return legacyTCVN3
	case strings.HasPrefix(n, "vni-") || strings.HasPrefix(n, "vni "):
		return legacyVNI
	}
	return legacyNone
}

// tcvn3 maps the TCVN3 (ABC) codes above 0x7F to Unicode; codes it does not assign
// stay as they are.
var tcvn3 = map[rune]rune{
	0xA1: 'Ă', 0xA2: 'Â', 0xA3: 'Ê', 0xA4: 'Ô', 0xA5: 'Ơ', 0xA6: 'Ư', 0xA7: 'Đ',
	0xA8: 'ă', 0xA9: 'â', 0xAA: 'ê', 0xAB: 'ô', 0xAC: 'ơ', 0xAD: 'ư', 0xAE: 'đ',
	0xB5: 'à', 0xB6: 'ả', 0xB7: 'ã', 0xB8: 'á', 0xB9: 'ạ',
	0xBB: 'ằ', 0xBC: 'ẳ', 0xBD: 'ẵ', 0xBE: 'ắ', 0xC6: 'ặ',
	0xC7: 'ầ', 0xC8: 'ẩ', 0xC9: 'ẫ', 0xCA: 'ấ', 0xCB: 'ậ',
	0xCC: 'è', 0xCE: 'ẻ', 0xCF: 'ẽ', 0xD0: 'é', 0xD1: 'ẹ',
	0xD2: 'ề', 0xD3: 'ể', 0xD4: 'ễ', 0xD5: 'ế', 0xD6: 'ệ',
	0xD7: 'ì', 0xD8: 'ỉ', 0xDC: 'ĩ', 0xDD: 'í', 0xDE: 'ị',
	0xDF: 'ò', 0xE1: 'ỏ', 0xE2: 'õ', 0xE3: 'ó', 0xE4: 'ọ',
	0xE5: 'ồ', 0xE6: 'ổ', 0xE7: 'ỗ', 0xE8: 'ố', 0xE9: 'ộ',
	0xEA: 'ờ', 0xEB: 'ở', 0xEC: 'ỡ', 0xED: 'ớ', 0xEE: 'ợ',
	0xEF: 'ù', 0xF1: 'ủ', 0xF2: 'ũ', 0xF3: 'ú', 0xF4: 'ụ',
	0xF5: 'ừ', 0xF6: 'ử', 0xF7: 'ữ', 0xF8: 'ứ', 0xF9: 'ự',
	0xFA: 'ỳ', 0xFB: 'ỷ', 0xFC: 'ỹ', 0xFD: 'ý', 0xFE: 'ỵ',
}

// decode turns text stored for the font into Unicode. Text with characters beyond
// Latin-1 was typed in Unicode, at least in part: it is decoded only when it also
// holds codes that are no Vietnamese letter in Unicode ("Năm 2006 so víi n¨m 2005",
// typed half with each keyboard), and then only in its Latin-1 characters.
func (l legacyFont) decode(s string) string {
	if l != legacyTCVN3 && l != legacyTCVN3Upper {
		return s
	}
	high, beyond, tcvnOnly := false, false, false
	for _, r := range s {
		switch {
		case r > 0xFF:
			beyond = true
		case r > 0x7F:
			high = true
			if _, ok := tcvn3[r]; ok && !isVietnameseLatin1(r) {
				tcvnOnly = true
			}
		}
	}
	if beyond && !tcvnOnly || !high && l == legacyTCVN3 {
		return s
	}
	out := strings.Map(func(r rune) rune {
		if u, ok := tcvn3[r]; ok {
			return u
		}
		return r
	}, s)
	if l == legacyTCVN3Upper {
		out = strings.ToUpper(out)
	}
	return out
}

func hasLatin1High(s string) bool {
	for _, r := range s {
		if r > 0x7F && r <= 0xFF {
			return true
		}
	}
	return false
}

// isVietnameseLatin1 reports the Latin-1 letters Vietnamese Unicode text uses.
func isVietnameseLatin1(r rune) bool {
	return strings.ContainsRune("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ", r)
}
