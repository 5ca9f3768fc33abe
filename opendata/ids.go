package opendata

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf8"
)

// UUID is an RFC 9562 UUID.
type UUID [16]byte

// nsDNS is the name space of DNS names (RFC 9562, appendix A).
var nsDNS = UUID{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// NewV5 returns the version 5 (SHA-1) UUID of name in the name space ns.
func NewV5(ns UUID, name string) UUID {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u UUID
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return u
}

// String writes u in the canonical 8-4-4-4-12 lower-case form.
func (u UUID) String() string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// SiteNamespace is the name space of every identifier of the site served at
// host ("congkhai.hatinh.gov.vn"): the v5 UUID of the lower-cased host name
// in the DNS name space. The scheme and port are not part of it, so moving
// from http to https keeps every identifier.
func SiteNamespace(host string) UUID { return NewV5(nsDNS, strings.ToLower(host)) }

// The names of identifiers within a site's name space: one prefix per kind,
// so a dataset and an agency with the same path never share an identifier.
func datasetUUID(ns UUID, path string) string  { return NewV5(ns, "dataset:"+path).String() }
func resourceUUID(ns UUID, key string) string  { return NewV5(ns, "resource:"+key).String() }
func agencyUUID(ns UUID, slug string) string   { return NewV5(ns, "agency:"+slug).String() }
func categoryUUID(ns UUID, slug string) string { return NewV5(ns, "category:"+slug).String() }
func tagUUID(ns UUID, name string) string      { return NewV5(ns, "tag:"+name).String() }

// maxName is CKAN's longest name (PACKAGE_NAME_MAX_LENGTH).
const maxName = 100

// PackageName is the CKAN name of the dataset at path ("so-tai-chinh/du-toan-2026"
// → "so-tai-chinh--du-toan-2026"). Slugs hold lower-case ASCII letters, digits
// and single hyphens, so "--" cannot occur inside one and names are unique.
// A name longer than CKAN allows keeps its first 91 bytes and ends with 8
// hex digits of the path's SHA-1.
func PackageName(path string) string {
	return clampName(strings.ReplaceAll(path, "/", "--"), path)
}

// OrganizationName is the CKAN name of an agency: its slug, which a slug of one
// character would leave below CKAN's minimum of two ("x" → "x--").
func OrganizationName(slug string) string {
	if len(slug) < 2 {
		return slug + "--"
	}
	return clampName(slug, slug)
}

func clampName(name, key string) string {
	if len(name) <= maxName {
		return name
	}
	sum := sha1.Sum([]byte(key))
	return name[:maxName-9] + "-" + hex.EncodeToString(sum[:4])
}

// Tag limits of CKAN (MIN_TAG_LENGTH, MAX_TAG_LENGTH).
const (
	minTag = 2
	maxTag = 100
)

// TagName turns a tag as written in front matter into one CKAN accepts: CKAN's
// tag pattern is ^[\w \-.]*$ with Python's Unicode \w (letters, digits and
// "_"), 2 to 100 characters. Any other character (a dash "–", a comma, a
// slash) becomes a space, runs of spaces become one, and the result is
// trimmed and cut to 100 characters. ok is false when fewer than 2 remain.
// Text is expected in NFC (the loader normalises it): combining marks are not
// \w and are dropped.
func TagName(tag string) (name string, ok bool) {
	var b strings.Builder
	space := false
	for _, r := range tag {
		switch {
		case r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	name = b.String()
	if utf8.RuneCountInString(name) > maxTag {
		name = strings.TrimSpace(string([]rune(name)[:maxTag]))
	}
	return name, utf8.RuneCountInString(name) >= minTag
}
