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
			"peerSize", "peerHolders", "peerPrevalence", "tenantPrevalence", "sensitive", "score", "reason"}
		rows := make([][]string, len(rep.Findings))
		for i, f := range rep.Findings {
			rows[i] = []string{f.UserID, f.UserPrincipalName, f.ResourceID, f.ResourceName, f.ResourceType, f.Role, f.PeerGroup,
				strconv.Itoa(f.PeerSize), strconv.Itoa(f.PeerHolders), ftoa(f.PeerPrevalence), ftoa(f.TenantPrevalence),
				strconv.FormatBool(f.Sensitive), ftoa(f.Score), f.Reason}
		}
		return render.WriteCSV(w, header, rows)
	case render.Table:
		s := rep.Summary
		fmt.Fprintf(w, "%d findings for %d of %d users (%d privileged); %d disabled accounts, %d guests and %d service accounts hold access.\n\n",
			s.Findings, s.UsersWithExcess, s.Users, s.Sensitive, s.Disabled, s.Guests, s.NonPerson)
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
		return render.WriteCSV(w, header, rows)
	case render.Table:
		fmt.Fprintf(w, "%d users violate a rule today; %d proposed packages grant both sides of a rule; %d package pairs must be marked incompatible.\n",
			len(rep.Violations), len(rep.PackageConflicts), len(rep.Incompatible))
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
		return render.WriteTable(w, []string{"SEVERITY", "RULE", "WHO", "REASON"}, rows, 120)
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
