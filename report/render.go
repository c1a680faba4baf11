package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rolemine/rolemine/internal/render"
)

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// limited returns the first l.Limit of n rows (all when 0) and writes,
// after the table, how many it left out.
func limited(n int, l render.Layout) int {
	if l.Limit > 0 && l.Limit < n {
		return l.Limit
	}
	return n
}

// more says how many rows a limited table left out.
func more(w io.Writer, shown, n int) {
	if shown < n {
		fmt.Fprintf(w, "… %d more (--limit 0 shows all).\n", n-shown)
	}
}

// writeTable writes a table laid out by l, its rows cut at l.Limit.
func writeTable(w io.Writer, l render.Layout, cols []render.Column, rows [][]string) error {
	shown := limited(len(rows), l)
	t := render.TextTable{Columns: cols, Rows: rows[:shown]}
	if err := t.Write(w, l.Width); err != nil {
		return err
	}
	more(w, shown, len(rows))
	return nil
}

// WriteOverprovisioning renders the report as table, csv or json; a table
// is laid out by l.
func WriteOverprovisioning(w io.Writer, rep *Overprovisioning, format string, l render.Layout) error {
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
		explained := ""
		if s.Explained > 0 {
			where := "--explain lists them"
			if len(rep.Explained) > 0 {
				where = "listed last"
			}
			explained = fmt.Sprintf(" Not reported: %s that few job-function peers hold but another peer group explains (a team, an office, a project; %s).",
				render.Count(s.Explained, "grant"), where)
		}
		render.WriteParagraph(w, l.Width, fmt.Sprintf("%s for %d of %d users (%d privileged); %s; %s; %s, %s and %s hold access.%s",
			render.Count(s.Findings, "finding"), s.UsersWithExcess, s.Users, s.Sensitive,
			render.Count(s.Movers, "likely mover"), render.Count(s.TitleMismatches, "title mismatch"),
			render.Count(s.Disabled, "disabled account"), render.Count(s.Guests, "guest"), render.Count(s.NonPerson, "service account"), explained))
		fmt.Fprintln(w)
		rows := make([][]string, len(rep.Findings))
		for i, f := range rep.Findings {
			user := f.UserPrincipalName
			if user == "" {
				user = f.UserID
			}
			rows[i] = []string{ftoa(f.Score), user, f.Role + " on " + f.ResourceName, f.Reason}
		}
		if err := writeTable(w, l, []render.Column{{Name: "SCORE"}, {Name: "USER", Wrap: true}, {Name: "ACCESS", Wrap: true}, {Name: "REASON", Wrap: true}}, rows); err != nil {
			return err
		}
		if len(rep.Movers) > 0 {
			fmt.Fprintln(w)
			rows := make([][]string, len(rep.Movers))
			for i, m := range rep.Movers {
				rows[i] = []string{m.UserPrincipalName, m.JobFunction, m.FormerFunction, fmt.Sprintf("%d of %d", m.Held, m.Distinct)}
			}
			if err := writeTable(w, l, []render.Column{{Name: "MOVER", Wrap: true}, {Name: "JOB FUNCTION", Wrap: true}, {Name: "LIKELY FORMER JOB FUNCTION", Wrap: true}, {Name: "HELD"}}, rows); err != nil {
				return err
			}
		}
		if len(rep.TitleMismatches) > 0 {
			fmt.Fprintln(w)
			rows := make([][]string, len(rep.TitleMismatches))
			for i, m := range rep.TitleMismatches {
				rows[i] = []string{m.UserPrincipalName, m.JobTitle, m.JobFunction, percent(m.OwnShare), m.AccessMatches, percent(m.MatchShare)}
			}
			if err := writeTable(w, l, []render.Column{{Name: "TITLE MISMATCH", Wrap: true}, {Name: "TITLE", Wrap: true, Drop: 1}, {Name: "SELECTS", Wrap: true},
				{Name: "HELD"}, {Name: "ACCESS MATCHES", Wrap: true}, {Name: "HELD"}}, rows); err != nil {
				return err
			}
		}
		if len(rep.Accounts) > 0 {
			fmt.Fprintln(w)
			rows := make([][]string, len(rep.Accounts))
			for i, a := range rep.Accounts {
				rows[i] = []string{a.Kind, a.UserPrincipalName, strconv.Itoa(a.Grants), a.Reason}
			}
			if err := writeTable(w, l, []render.Column{{Name: "ACCOUNT"}, {Name: "USER", Wrap: true}, {Name: "GRANTS", Drop: 1}, {Name: "REASON", Wrap: true}}, rows); err != nil {
				return err
			}
		}
		if len(rep.Explained) > 0 {
			fmt.Fprintln(w)
			rows := make([][]string, len(rep.Explained))
			for i, f := range rep.Explained {
				rows[i] = []string{f.UserPrincipalName, f.Role + " on " + f.ResourceName, f.ExplainedBy}
			}
			return writeTable(w, l, []render.Column{{Name: "NOT EXCESS", Wrap: true}, {Name: "ACCESS", Wrap: true}, {Name: "EXPLAINED BY", Wrap: true}}, rows)
		}
		return nil
	}
	return render.CheckFormat(format, render.Table, render.CSV, render.JSON)
}

// WriteSoD renders the report as table, csv or json; a table is laid out
// by l. The CSV holds the violations, then the package conflicts, with a
// kind column.
func WriteSoD(w io.Writer, rep *SoD, format string, l render.Layout) error {
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
		render.WriteParagraph(w, l.Width, fmt.Sprintf("%s today; %s; %s and %s must be marked incompatible.",
			render.Count(len(rep.Violations), "user violates a rule", "users violate a rule"),
			render.Count(len(rep.PackageConflicts), "proposed package grants both sides of a rule", "proposed packages grant both sides of a rule"),
			render.Count(len(rep.Incompatible), "package pair"), render.Count(len(rep.IncompatibleGroups), "package-group pair")))
		if len(rep.Unmatched) > 0 {
			render.WriteParagraph(w, l.Width, "Rules that match no entitlement of this snapshot: "+strings.Join(rep.Unmatched, "; "))
		}
		fmt.Fprintln(w)
		var rows [][]string
		for _, v := range rep.Violations {
			rows = append(rows, []string{v.Severity, v.Rule, v.UserPrincipalName, v.Reason})
		}
		for _, c := range rep.PackageConflicts {
			rows = append(rows, []string{c.Severity, c.Rule, "package " + c.PackageID, c.Reason})
		}
		if err := writeTable(w, l, []render.Column{{Name: "SEVERITY"}, {Name: "RULE", Wrap: true}, {Name: "WHO", Wrap: true}, {Name: "REASON", Wrap: true}}, rows); err != nil {
			return err
		}
		if len(rep.Incompatible) > 0 || len(rep.IncompatibleGroups) > 0 {
			fmt.Fprintln(w)
			render.WriteParagraph(w, l.Width, "Mark incompatible in Entra (each package's incompatible access packages or groups):")
			var rows [][]string
			for _, c := range rep.Incompatible {
				rows = append(rows, []string{c.Severity, c.PackageID, c.OtherID, c.Rule})
			}
			for _, g := range rep.IncompatibleGroups {
				rows = append(rows, []string{g.Severity, g.PackageID, "group " + g.GroupName, g.Rule})
			}
			if err := writeTable(w, l, []render.Column{{Name: "SEVERITY"}, {Name: "PACKAGE", Wrap: true}, {Name: "INCOMPATIBLE WITH", Wrap: true}, {Name: "RULE", Wrap: true}}, rows); err != nil {
				return err
			}
		}
		if len(rep.Suggested) > 0 {
			fmt.Fprintln(w)
			render.WriteParagraph(w, l.Width, render.Count(len(rep.Suggested), "suggested rule")+" (pairs the same job functions hold but their members never hold together):")
			rows := make([][]string, len(rep.Suggested))
			for i, s := range rep.Suggested {
				rows[i] = []string{s.LeftName, s.RightName, strconv.Itoa(s.Together), ftoa(s.Expected), s.CoveredBy}
			}
			return writeTable(w, l, []render.Column{{Name: "LEFT", Wrap: true}, {Name: "RIGHT", Wrap: true}, {Name: "TOGETHER"}, {Name: "EXPECTED"}, {Name: "COVERED BY", Wrap: true, Drop: 1}}, rows)
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

// WriteImpact renders the impact view as table, csv or json; a table is
// laid out by l. The CSV has a row per user and change.
func WriteImpact(w io.Writer, imp *Impact, format string, l render.Layout) error {
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
		render.WriteParagraph(w, l.Width, fmt.Sprintf("If the packages replaced today's grants: %d of %d users would gain access (%s), %d would lose access (%s), %d are unchanged; no job-function package selects %s.",
			s.UsersGaining, s.Users, render.Count(s.Gained, "grant"), s.UsersLosing, render.Count(s.Lost, "grant"), s.Unchanged, render.Count(s.WithoutPackage, "user")))
		fmt.Fprintln(w)
		rows := make([][]string, len(imp.Entitlements))
		for i, e := range imp.Entitlements {
			rows[i] = []string{e.Role + " on " + e.ResourceName, strconv.Itoa(e.Holders), strconv.Itoa(e.Gain), strconv.Itoa(e.Lose)}
		}
		return writeTable(w, l, []render.Column{{Name: "ACCESS", Wrap: true}, {Name: "HOLDERS"}, {Name: "GAIN"}, {Name: "LOSE"}}, rows)
	}
	return render.CheckFormat(format, render.Table, render.CSV, render.JSON)
}
