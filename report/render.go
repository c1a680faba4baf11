package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rolemine/rolemine/internal/render"
)

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// WriteOverprovisioning renders the report as table, csv or json.
func WriteOverprovisioning(w io.Writer, rep *Overprovisioning, format string) error {
	switch format {
	case render.JSON:
		return render.WriteJSON(w, rep)
	case render.CSV:
		header := []string{"userId", "userPrincipalName", "resourceId", "resourceName", "resourceType", "role", "peerGroup",
			"peerSize", "peerHolders", "peerPrevalence", "tenantPrevalence", "sensitive", "score", "reason", "department", "likelyFormerFunction", "titleSelects"}
		rows := make([][]string, len(rep.Findings))
		for i, f := range rep.Findings {
			rows[i] = []string{f.UserID, f.UserPrincipalName, f.ResourceID, f.ResourceName, f.ResourceType, f.Role, f.PeerGroup,
				strconv.Itoa(f.PeerSize), strconv.Itoa(f.PeerHolders), ftoa(f.PeerPrevalence), ftoa(f.TenantPrevalence),
				strconv.FormatBool(f.Sensitive), ftoa(f.Score), f.Reason, f.Department, f.FormerFunction, f.TitleSelects}
		}
		return render.WriteCSV(w, header, rows)
	case render.Table:
		s := rep.Summary
		fmt.Fprintf(w, "%d findings for %d of %d users (%d privileged); %d likely movers; %d title mismatches; %d disabled accounts, %d guests and %d service accounts hold access.\n\n",
			s.Findings, s.UsersWithExcess, s.Users, s.Sensitive, s.Movers, s.TitleMismatches, s.Disabled, s.Guests, s.NonPerson)
		rows := make([][]string, len(rep.Findings))
		for i, f := range rep.Findings {
			user := f.UserPrincipalName
			if user == "" {
				user = f.UserID
			}
			rows[i] = []string{ftoa(f.Score), user, f.Role + " on " + f.ResourceName, f.Reason}
		}
		if err := render.WriteTable(w, []string{"SCORE", "USER", "ACCESS", "REASON"}, rows, 120); err != nil {
			return err
		}
		if len(rep.Movers) > 0 {
			fmt.Fprintln(w)
			rows := make([][]string, len(rep.Movers))
			for i, m := range rep.Movers {
				rows[i] = []string{m.UserPrincipalName, m.JobFunction, m.FormerFunction, fmt.Sprintf("%d of %d", m.Held, m.Distinct)}
			}
			if err := render.WriteTable(w, []string{"MOVER", "JOB FUNCTION", "LIKELY FORMER JOB FUNCTION", "HELD"}, rows, 120); err != nil {
				return err
			}
		}
		if len(rep.TitleMismatches) > 0 {
			fmt.Fprintln(w)
			rows := make([][]string, len(rep.TitleMismatches))
			for i, m := range rep.TitleMismatches {
				rows[i] = []string{m.UserPrincipalName, m.JobTitle, m.JobFunction, percent(m.OwnShare), m.AccessMatches, percent(m.MatchShare)}
			}
			if err := render.WriteTable(w, []string{"TITLE MISMATCH", "TITLE", "SELECTS", "HELD", "ACCESS MATCHES", "HELD"}, rows, 120); err != nil {
				return err
			}
		}
		if len(rep.Accounts) > 0 {
			fmt.Fprintln(w)
			rows := make([][]string, len(rep.Accounts))
			for i, a := range rep.Accounts {
				rows[i] = []string{a.Kind, a.UserPrincipalName, strconv.Itoa(a.Grants), a.Reason}
			}
			return render.WriteTable(w, []string{"ACCOUNT", "USER", "GRANTS", "REASON"}, rows, 120)
		}
		return nil
	}
	return render.CheckFormat(format, render.Table, render.CSV, render.JSON)
}

// WriteSoD renders the report as table, csv or json. The CSV holds the
// violations, then the package conflicts, with a kind column.
func WriteSoD(w io.Writer, rep *SoD, format string) error {
	ents := func(d []string) string { return strings.Join(d, "; ") }
	switch format {
	case render.JSON:
		return render.WriteJSON(w, rep)
	case render.CSV:
		header := []string{"kind", "rule", "severity", "userId", "userPrincipalName", "packageId", "left", "right", "reason"}
		var rows [][]string
		for _, v := range rep.Violations {
			rows = append(rows, []string{"violation", v.Rule, v.Severity, v.UserID, v.UserPrincipalName, "", ents(entStrings(v.Left)), ents(entStrings(v.Right)), v.Reason})
		}
		for _, c := range rep.PackageConflicts {
			rows = append(rows, []string{"packageConflict", c.Rule, c.Severity, "", "", c.PackageID, "", "", c.Reason})
		}
		for _, c := range rep.Incompatible {
			rows = append(rows, []string{"incompatiblePackages", c.Rule, c.Severity, "", "", c.PackageID, "", c.OtherID,
				fmt.Sprintf("mark %s and %s incompatible", c.PackageID, c.OtherID)})
		}
		for _, g := range rep.IncompatibleGroups {
			rows = append(rows, []string{"incompatibleGroup", g.Rule, g.Severity, "", "", g.PackageID, "", g.GroupID,
				fmt.Sprintf("mark %s incompatible with the members of group %s", g.PackageID, g.GroupName)})
		}
		for _, s := range rep.Suggested {
			rows = append(rows, []string{"suggestedRule", s.Rule.Name, s.Rule.Severity, "", "", "", s.Left.String(), s.Right.String(), s.Reason})
		}
		return render.WriteCSV(w, header, rows)
	case render.Table:
		fmt.Fprintf(w, "%d users violate a rule today; %d proposed packages grant both sides of a rule; %d package pairs and %d package-group pairs must be marked incompatible.\n",
			len(rep.Violations), len(rep.PackageConflicts), len(rep.Incompatible), len(rep.IncompatibleGroups))
		if len(rep.Unmatched) > 0 {
			fmt.Fprintf(w, "Rules that match no entitlement of this snapshot: %s\n", strings.Join(rep.Unmatched, "; "))
		}
		fmt.Fprintln(w)
		var rows [][]string
		for _, v := range rep.Violations {
			rows = append(rows, []string{v.Severity, v.Rule, v.UserPrincipalName, v.Reason})
		}
		for _, c := range rep.PackageConflicts {
			rows = append(rows, []string{c.Severity, c.Rule, "package " + c.PackageID, c.Reason})
		}
		if err := render.WriteTable(w, []string{"SEVERITY", "RULE", "WHO", "REASON"}, rows, 120); err != nil {
			return err
		}
		if len(rep.Suggested) > 0 {
			fmt.Fprintf(w, "\n%d suggested rules (pairs the same job functions hold but their members never hold together):\n", len(rep.Suggested))
			rows := make([][]string, len(rep.Suggested))
			for i, s := range rep.Suggested {
				rows[i] = []string{s.LeftName, s.RightName, strconv.Itoa(s.Together), ftoa(s.Expected), s.CoveredBy}
			}
			return render.WriteTable(w, []string{"LEFT", "RIGHT", "TOGETHER", "EXPECTED", "COVERED BY"}, rows, 120)
		}
		return nil
	}
	return render.CheckFormat(format, render.Table, render.CSV, render.JSON)
}

func entStrings[E fmt.Stringer](es []E) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.String()
	}
	return out
}

// WriteImpact renders the impact view as table, csv or json. The CSV has a
// row per user and change.
func WriteImpact(w io.Writer, imp *Impact, format string) error {
	switch format {
	case render.JSON:
		return render.WriteJSON(w, imp)
	case render.CSV:
		header := []string{"userId", "userPrincipalName", "accountKind", "change", "resourceId", "role", "packages"}
		var rows [][]string
		for _, u := range imp.Users {
			pkgs := strings.Join(u.Packages, "; ")
			for _, e := range u.Gain {
				rows = append(rows, []string{u.UserID, u.UserPrincipalName, u.Kind, "gain", e.ResourceID, e.Role, pkgs})
			}
			for _, e := range u.Lose {
				rows = append(rows, []string{u.UserID, u.UserPrincipalName, u.Kind, "lose", e.ResourceID, e.Role, pkgs})
			}
		}
		return render.WriteCSV(w, header, rows)
	case render.Table:
		s := imp.Summary
		fmt.Fprintf(w, "If the packages replaced today's grants: %d of %d users would gain access (%d grants), %d would lose access (%d grants), %d are unchanged; no job-function package selects %d users.\n\n",
			s.UsersGaining, s.Users, s.Gained, s.UsersLosing, s.Lost, s.Unchanged, s.WithoutPackage)
		rows := make([][]string, len(imp.Entitlements))
		for i, e := range imp.Entitlements {
			rows[i] = []string{e.Role + " on " + e.ResourceName, strconv.Itoa(e.Holders), strconv.Itoa(e.Gain), strconv.Itoa(e.Lose)}
		}
		return render.WriteTable(w, []string{"ACCESS", "HOLDERS", "GAIN", "LOSE"}, rows, 120)
	}
	return render.CheckFormat(format, render.Table, render.CSV, render.JSON)
}
