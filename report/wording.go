package report

import (
	"math"
	"strconv"
)

// overReason says why a grant is a finding. It is written for each of a
// million findings, so it appends to one buffer instead of formatting;
// the wording is fmt's for the same verbs (%q, %.0f).
func overReason(f Finding, matched float64, inferred bool, selected string) string {
	b := make([]byte, 0, 192)
	what := func(b []byte) []byte {
		b = append(b, f.Role...)
		b = append(b, " on "...)
		return append(b, f.ResourceName...)
	}
	match := func(b []byte) []byte {
		b = strconv.AppendQuote(append(b, "their access matches "...), f.PeerGroup)
		b = strconv.AppendFloat(append(b, " ("...), 100*matched, 'f', 0, 64)
		return append(b, "%), and "...)
	}
	switch {
	case f.PeerGroup == "all users":
		b = append(b, "no job-function package fits this user; "...)
		b = appendOfN(b, f.PeerHolders, f.PeerSize)
		b = what(append(b, " other users hold "...))
	case selected != "":
		b = strconv.AppendQuote(append(b, "their attributes select "...), selected)
		b = match(append(b, ", but "...))
		b = appendOfN(b, f.PeerHolders, f.PeerSize)
		b = what(append(b, " members of it hold "...))
	case inferred:
		b = match(append(b, "no package matches this user's attributes; "...))
		b = appendOfN(b, f.PeerHolders, f.PeerSize)
		b = what(append(b, " members of it hold "...))
	default:
		b = appendOfN(b, f.PeerHolders, f.PeerSize)
		b = strconv.AppendQuote(append(b, " other members of "...), f.PeerGroup)
		b = what(append(b, " hold "...))
	}
	b = appendPercent(append(b, "; "...), f.TenantPrevalence)
	b = append(b, " of the tenant"...)
	if f.Sensitive {
		b = append(b, "; privileged role"...)
	}
	return string(b)
}

// appendOfN appends "k of the n" ("none of the n" when k is 0) to b.
func appendOfN(b []byte, k, n int) []byte {
	if k == 0 {
		b = append(b, "none of the "...)
	} else {
		b = append(strconv.AppendInt(b, int64(k), 10), " of the "...)
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// appendPercent appends percent(x) to b.
func appendPercent(b []byte, x float64) []byte {
	if x > 0 && x < 0.001 {
		return append(b, "<0.1%"...)
	}
	return append(strconv.AppendFloat(b, 100*x, 'f', 1, 64), '%')
}

func percent(x float64) string { return string(appendPercent(nil, x)) }

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
