package mining

import (
	"strings"
	"unicode"
)

// titleAbbreviations maps common job-title abbreviations (lower case, without
// punctuation) to their long form.
var titleAbbreviations = map[string]string{
	"sr":     "senior",
	"snr":    "senior",
	"jr":     "junior",
	"jnr":    "junior",
	"mgr":    "manager",
	"mngr":   "manager",
	"mgmt":   "management",
	"asst":   "assistant",
	"assoc":  "associate",
	"admin":  "administrator",
	"adm":    "administrator",
	"dir":    "director",
	"exec":   "executive",
	"eng":    "engineer",
	"engr":   "engineer",
	"dev":    "developer",
	"spec":   "specialist",
	"coord":  "coordinator",
	"rep":    "representative",
	"repr":   "representative",
	"tech":   "technician",
	"acct":   "accountant",
	"accts":  "accounts",
	"svc":    "service",
	"svcs":   "services",
	"ops":    "operations",
	"mktg":   "marketing",
	"mkt":    "marketing",
	"dept":   "department",
	"vp":     "vice president",
	"svp":    "senior vice president",
	"evp":    "executive vice president",
	"cust":   "customer",
	"supv":   "supervisor",
	"supvr":  "supervisor",
	"sup":    "supervisor",
	"analyt": "analyst",
	"hr":     "human resources",
	"&":      "and",
}

// NormalizeValue folds case, surrounding and repeated white space of an
// attribute value, so that "  Finance " and "finance" are the same group.
func NormalizeValue(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// NormalizeTitle normalises a job title: case and white space are folded,
// punctuation other than inner hyphens and slashes is dropped, and common
// abbreviations are expanded, so that "Sr. Acct Mgr", "Senior Accountant
// Manager" and "senior  acct. manager" fall together.
func NormalizeTitle(s string) string {
	var words []string
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '(' || r == ')' || r == ';' || r == ':'
	}) {
		f = strings.TrimFunc(f, func(r rune) bool { return r == '.' || r == '-' || r == '/' || r == '\'' })
		f = strings.ReplaceAll(f, ".", "")
		if f == "" {
			continue
		}
		if long, ok := titleAbbreviations[f]; ok {
			f = long
		}
		words = append(words, f)
	}
	return strings.Join(words, " ")
}
