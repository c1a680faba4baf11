package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

func overReason(f Finding, matched float64, inferred bool, selected string) string {
	what := fmt.Sprintf("%s on %s", f.Role, f.ResourceName)
	var b strings.Builder
	switch {
	case f.PeerGroup == "all users":
		fmt.Fprintf(&b, "no job-function package fits this user; %s other users hold %s", ofN(f.PeerHolders, f.PeerSize), what)
	case selected != "":
		fmt.Fprintf(&b, "their attributes select %q, but their access matches %q (%.0f%%), and %s members of it hold %s",
			selected, f.PeerGroup, 100*matched, ofN(f.PeerHolders, f.PeerSize), what)
	case inferred:
		fmt.Fprintf(&b, "no package matches this user's attributes; their access matches %q (%.0f%%), and %s members of it hold %s",
			f.PeerGroup, 100*matched, ofN(f.PeerHolders, f.PeerSize), what)
	default:
		fmt.Fprintf(&b, "%s other members of %q hold %s", ofN(f.PeerHolders, f.PeerSize), f.PeerGroup, what)
	}
	fmt.Fprintf(&b, "; %s of the tenant", percent(f.TenantPrevalence))
	if f.Sensitive {
		b.WriteString("; privileged role")
	}
	return b.String()
}

func ofN(k, n int) string {
	var b strings.Builder
	writeOfN(&b, k, n)
	return b.String()
}

// writeOfN writes "k of the n" ("none of the n" when k is 0) to b: ofN for
// loops over a million findings, without fmt.
func writeOfN(b *strings.Builder, k, n int) {
	if k == 0 {
		b.WriteString("none of the ")
	} else {
		b.WriteString(strconv.Itoa(k))
		b.WriteString(" of the ")
	}
	b.WriteString(strconv.Itoa(n))
}

func percent(x float64) string {
	if x > 0 && x < 0.001 {
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

func round(x float64) float64 { return math.Round(x*1000) / 1000 }
