package opendata

import (
	"strings"

	"github.com/congkhai/congkhai/content"
)

// Vocabularies that DCAT-AP asks for as IRIs.
const (
	euFileType = "http://publications.europa.eu/resource/authority/file-type/"
	euLanguage = "http://publications.europa.eu/resource/authority/language/"
	euTheme    = "http://publications.europa.eu/resource/authority/data-theme/"
	euCountry  = "http://publications.europa.eu/resource/authority/country/"
	euLicence  = "http://publications.europa.eu/resource/authority/licence/"
	euFreq     = "http://publications.europa.eu/resource/authority/frequency/"
	ianaMedia  = "http://www.iana.org/assignments/media-types/"
)

// format is a file format as each vocabulary names it.
type format struct {
	CKAN      string // CKAN's resource format ("CSV", "XLSX")
	MediaType string // IANA media type
	EUType    string // the EU file-type authority's code
}

var formats = map[string]format{
	"csv":  {"CSV", "text/csv", "CSV"},
	"json": {"JSON", "application/json", "JSON"},
	"xlsx": {"XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"},
	"xls":  {"XLS", "application/vnd.ms-excel", "XLS"},
	"ods":  {"ODS", "application/vnd.oasis.opendocument.spreadsheet", "ODS"},
}

// formatOf returns the format of a table file's format name ("xlsx"); an
// unknown one is written as its upper-case name with a generic media type.
func formatOf(name string) format {
	if f, ok := formats[strings.ToLower(name)]; ok {
		return f
	}
	return format{strings.ToUpper(name), "application/octet-stream", "BIN"}
}

// License is a dataset's licence as CKAN, DCAT and schema.org name it.
type License struct {
	ID    string // CKAN's license_id ("cc-by")
	Title string // CKAN's license_title
	URL   string // CKAN's license_url: the Open Definition page CKAN links
	Legal string // the licence's own address, for schema.org and Data Package
	EU    string // the EU licence authority's IRI, for DCAT-AP; "" when it has none
	SPDX  string // the SPDX identifier, for Data Package ("CC-BY-4.0")
	Open  bool   // CKAN's isopen
}

// licenses are the licences recognised in front matter, by the words that name
// them, most specific first.
var licenses = []struct {
	words []string
	lic   License
}{
	{[]string{"by-sa 4", "by sa 4"}, License{"cc-by-sa", "Creative Commons Attribution Share-Alike", "http://www.opendefinition.org/licenses/cc-by-sa", "https://creativecommons.org/licenses/by-sa/4.0/", euLicence + "CC_BYSA_4_0", "CC-BY-SA-4.0", true}},
	{[]string{"by-sa", "by sa"}, License{"cc-by-sa", "Creative Commons Attribution Share-Alike", "http://www.opendefinition.org/licenses/cc-by-sa", "https://creativecommons.org/licenses/by-sa/4.0/", euLicence + "CC_BYSA_4_0", "CC-BY-SA-4.0", true}},
	{[]string{"cc0", "cc zero", "cc-zero"}, License{"cc-zero", "Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero", "https://creativecommons.org/publicdomain/zero/1.0/", euLicence + "CC0", "CC0-1.0", true}},
	{[]string{"odbl"}, License{"odc-odbl", "Open Data Commons Open Database License (ODbL)", "http://www.opendefinition.org/licenses/odc-odbl", "https://opendatacommons.org/licenses/odbl/1-0/", euLicence + "ODC_BL", "ODbL-1.0", true}},
	{[]string{"pddl"}, License{"odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)", "http://www.opendefinition.org/licenses/odc-pddl", "https://opendatacommons.org/licenses/pddl/1-0/", euLicence + "ODC_PDDL", "PDDL-1.0", true}},
	{[]string{"cc by 3", "cc-by 3", "cc-by-3", "by 3.0"}, License{"cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by", "https://creativecommons.org/licenses/by/3.0/", euLicence + "CC_BY_3_0", "CC-BY-3.0", true}},
	{[]string{"cc by", "cc-by"}, License{"cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by", "https://creativecommons.org/licenses/by/4.0/", euLicence + "CC_BY_4_0", "CC-BY-4.0", true}},
}

// LicenseOf reads the licence a dataset's front matter names ("Giấy phép dữ
// liệu mở (CC BY 4.0)"). A licence it does not recognise is CKAN's
// "other-at" ("Other (Attribution)") titled as written, without a legal
// address.
func LicenseOf(text string) License {
	f := strings.ToLower(content.Fold(text))
	for _, l := range licenses {
		for _, w := range l.words {
			if strings.Contains(f, w) {
				return l.lic
			}
		}
	}
	return License{ID: "other-at", Title: text}
}

// categoryThemes maps the portal's categories to the EU data themes (the
// DCAT-AP themes every European harvester knows).
var categoryThemes = map[content.Category]string{
	content.CatBudget:       "ECON", // Economy and finance
	content.CatLandUsePlan:  "REGI", // Regions and cities
	content.CatLandPrice:    "ECON",
	content.CatCompensation: "GOVE", // Government and public sector
	content.CatNotice:       "GOVE",
	content.CatDraft:        "GOVE",
	content.CatProcedure:    "GOVE",
}

// frequencies maps update frequencies as written in front matter to the EU
// frequency authority.
var frequencies = []struct{ words, code string }{
	{"hang ngay", "DAILY"},
	{"hang tuan", "WEEKLY"},
	{"hang thang", "MONTHLY"},
	{"hang quy", "QUARTERLY"},
	{"6 thang", "ANNUAL_2"},
	{"nua nam", "ANNUAL_2"},
	{"hang nam", "ANNUAL"},
	{"5 nam", "QUINQUENNIAL"},
	{"khong dinh ky", "IRREG"},
	{"khi co thay doi", "IRREG"},
	{"daily", "DAILY"},
	{"weekly", "WEEKLY"},
	{"monthly", "MONTHLY"},
	{"quarterly", "QUARTERLY"},
	{"annual", "ANNUAL"},
	{"yearly", "ANNUAL"},
}

// frequencyOf returns the EU frequency code of a frequency as written, "" when
// none matches.
func frequencyOf(text string) string {
	f := content.Fold(text)
	for _, fr := range frequencies {
		if strings.Contains(f, fr.words) {
			return fr.code
		}
	}
	return ""
}
