package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/tenant"
)

// Comparison sets each proposed package beside the existing access package
// that grants the most similar access.
type Comparison struct {
	SnapshotID int64           `json:"snapshotId"`
	RunID      int64           `json:"runId"`
	Existing   int             `json:"existingPackages"`
	Matches    []PackageMatch  `json:"matches"`
	Unmatched  []ExistingMatch `json:"existingWithoutProposal"`
}

// PackageMatch is a proposal and its closest existing package, if any
// shares an entitlement with it.
type PackageMatch struct {
	PackageID    string               `json:"packageId"`
	PackageName  string               `json:"packageName"`
	ExistingID   string               `json:"existingId,omitempty"`
	ExistingName string               `json:"existingName,omitempty"`
	Jaccard      float64              `json:"jaccard"`
	Missing      []tenant.Entitlement `json:"missingFromExisting"`
	Extra        []tenant.Entitlement `json:"onlyInExisting"`
	// Assignees counts who holds the existing package; Members who the
	// proposal would assign; Both who is in both.
	Assignees int `json:"assignees"`
	Members   int `json:"members"`
	Both      int `json:"both"`
}

// ExistingMatch is an existing package no proposal comes close to.
type ExistingMatch struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Assignees   int    `json:"assignees"`
}

// CompareExisting matches every proposed package (birthright included)
// with the existing package whose entitlements have the highest Jaccard
// similarity to its own; existing packages no proposal reaches with
// Jaccard 0.5 or more are listed apart, as candidates to review.
func CompareExisting(snapshotID int64, run *tenant.Run, existing []tenant.ExistingPackage) *Comparison {
	c := &Comparison{SnapshotID: snapshotID, RunID: run.ID, Existing: len(existing), Matches: []PackageMatch{}, Unmatched: []ExistingMatch{}}
	set := func(es []tenant.Entitlement) map[tenant.Entitlement]bool {
		m := make(map[tenant.Entitlement]bool, len(es))
		for _, e := range es {
			m[e] = true
		}
		return m
	}
	sets := make([]map[tenant.Entitlement]bool, len(existing))
	for i, x := range existing {
		sets[i] = set(x.Entitlements)
	}
	reached := make([]bool, len(existing))
	for _, p := range run.Packages {
		mine := map[tenant.Entitlement]bool{}
		for _, pe := range p.Entitlements {
			mine[pe.Entitlement()] = true
		}
		m := PackageMatch{PackageID: p.ID, PackageName: p.Name, Members: len(p.Members), Missing: []tenant.Entitlement{}, Extra: []tenant.Entitlement{}}
		best := -1
		for i := range existing {
			inter := 0
			for e := range sets[i] {
				if mine[e] {
					inter++
				}
			}
			union := len(mine) + len(sets[i]) - inter
			if inter == 0 || union == 0 {
				continue
			}
			j := float64(inter) / float64(union)
			if j > m.Jaccard {
				m.Jaccard, best = j, i
			}
			if j >= 0.5 {
				reached[i] = true
			}
		}
		if best >= 0 {
			x := existing[best]
			m.ExistingID, m.ExistingName, m.Assignees = x.ID, x.DisplayName, len(x.Assignees)
			m.Jaccard = round(m.Jaccard)
			for e := range mine {
				if !sets[best][e] {
					m.Missing = append(m.Missing, e)
				}
			}
			for e := range sets[best] {
				if !mine[e] {
					m.Extra = append(m.Extra, e)
				}
			}
			slices.SortFunc(m.Missing, compareEnt)
			slices.SortFunc(m.Extra, compareEnt)
			members := make(map[string]bool, len(p.Members))
			for _, u := range p.Members {
				members[u] = true
			}
			for _, u := range x.Assignees {
				if members[u] {
					m.Both++
				}
			}
		}
		c.Matches = append(c.Matches, m)
	}
	for i, x := range existing {
		if !reached[i] {
			c.Unmatched = append(c.Unmatched, ExistingMatch{ID: x.ID, DisplayName: x.DisplayName, Assignees: len(x.Assignees)})
		}
	}
	slices.SortStableFunc(c.Matches, func(a, b PackageMatch) int { return cmp.Compare(b.Jaccard, a.Jaccard) })
	return c
}

// WriteComparison renders the comparison as table, csv or json; a table is
// laid out by l.
func WriteComparison(w io.Writer, c *Comparison, format string, l render.Layout) error {
	switch format {
	case render.JSON:
		return render.WriteJSON(w, c)
	case render.CSV:
		header := []string{"packageId", "packageName", "existingId", "existingName", "jaccard", "missingFromExisting", "onlyInExisting", "members", "assignees", "both"}
		rows := make([][]string, len(c.Matches))
		for i, m := range c.Matches {
			rows[i] = []string{m.PackageID, m.PackageName, m.ExistingID, m.ExistingName, ftoa(m.Jaccard), strings.Join(entStrings(m.Missing), "; "),
				strings.Join(entStrings(m.Extra), "; "), strconv.Itoa(m.Members), strconv.Itoa(m.Assignees), strconv.Itoa(m.Both)}
		}
		return render.WriteCSV(w, header, rows)
	case render.Table:
		if c.Existing == 0 {
			fmt.Fprintln(w, "The snapshot holds no existing access package (ingest from Graph with EntitlementManagement.Read.All to compare).")
			return nil
		}
		render.WriteParagraph(w, l.Width, fmt.Sprintf("%s beside the %s; %s.", render.Count(len(c.Matches), "proposed package"), render.Count(c.Existing, "access package that exists", "access packages that exist"),
			render.Count(len(c.Unmatched), "existing package matches no proposal", "existing packages match no proposal")))
		fmt.Fprintln(w)
		rows := make([][]string, len(c.Matches))
		for i, m := range c.Matches {
			rows[i] = []string{m.PackageName, m.ExistingName, ftoa(m.Jaccard), strconv.Itoa(len(m.Missing)), strconv.Itoa(len(m.Extra)), fmt.Sprintf("%d/%d", m.Both, m.Members)}
		}
		return writeTable(w, l, []render.Column{{Name: "PROPOSED", Wrap: true}, {Name: "CLOSEST EXISTING", Wrap: true}, {Name: "JACCARD"},
			{Name: "MISSING THERE"}, {Name: "ONLY THERE"}, {Name: "ALREADY ASSIGNED"}}, rows)
	}
	return render.CheckFormat(format, render.Table, render.CSV, render.JSON)
}
