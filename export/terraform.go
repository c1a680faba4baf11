package export

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/rolemine/rolemine/tenant"
)

// WriteTerraform writes azuread provider resources for what the provider
// can express today: the catalog, the packages, catalog associations of
// the groups the packages use, group package associations (Member or
// Owner) and a direct-assignment policy per package. Each package carries a
// comment naming what Terraform cannot express (automatic assignment rules,
// separation of duties, app and site roles), which graph-plan.json holds.
func WriteTerraform(w io.Writer, pkgs []tenant.Package, opt Options) error {
	catalog := opt.CatalogName
	if catalog == "" {
		catalog = "rolemine proposals"
	}
	b := &strings.Builder{}
	b.WriteString("# Access packages proposed by rolemine, for the azuread Terraform provider.\n")
	b.WriteString("# The provider cannot create automatic assignment policies, incompatible packages\n")
	b.WriteString("# or app and site role scopes yet: graph-plan.json (rolemine export --format\n")
	b.WriteString("# graph-json) creates those through Microsoft Graph.\n\n")
	// The provider's arguments (azuread 3.x schema, checked by the tests
	// against internal/tfschema/azuread.json): externally_visible
	// defaults to true, so it is set.
	fmt.Fprintf(b, "resource \"azuread_access_package_catalog\" \"rolemine\" {\n  display_name       = %s\n  description        = %s\n  published          = true\n  externally_visible = false\n}\n",
		hclString(catalog), hclString("Job-function access packages proposed by rolemine"))
	labels := newLabeler()
	// The policy file's catalogs that packages use, each with its owners
	// noted (the provider's schema here has no catalog role assignment).
	catLabel := map[string]string{} // package id → catalog label
	for _, p := range pkgs {
		catLabel[p.ID] = "rolemine"
		spec := opt.Policies.CatalogFor(p)
		if spec == nil {
			continue
		}
		l, ok := catLabel["@"+spec.Name]
		if !ok {
			l = labels.label("catalog_" + spec.Name)
			catLabel["@"+spec.Name] = l
			fmt.Fprintf(b, "\n# Catalog %s", hclComment(spec.Name))
			if len(spec.Owners) > 0 {
				owners := make([]string, len(spec.Owners))
				for i, o := range spec.Owners {
					owners[i] = string(o)
				}
				fmt.Fprintf(b, "; its Catalog owners (%s) are assigned by graph-plan.json", hclComment(strings.Join(owners, ", ")))
			}
			fmt.Fprintf(b, "\nresource \"azuread_access_package_catalog\" %q {\n  display_name       = %s\n  description        = %s\n  published          = true\n  externally_visible = false\n}\n",
				l, hclString(spec.Name), hclString("Job-function access packages proposed by rolemine"))
		}
		catLabel[p.ID] = l
	}
	// Catalog associations for every group the packages of a catalog use,
	// once per catalog.
	groupLabel := map[string]string{} // catalog label + group id → association label
	for _, p := range pkgs {
		cl := catLabel[p.ID]
		for _, e := range p.Entitlements {
			if e.ResourceType != tenant.TypeGroup || groupLabel[cl+e.ResourceID] != "" {
				continue
			}
			name := "group_" + e.ResourceName
			if cl != "rolemine" {
				name += "_" + cl
			}
			l := labels.label(name)
			groupLabel[cl+e.ResourceID] = l
			fmt.Fprintf(b, "\n# Group %s\nresource \"azuread_access_package_resource_catalog_association\" %q {\n  catalog_id             = azuread_access_package_catalog.%s.id\n  resource_origin_id     = %s\n  resource_origin_system = \"AadGroup\"\n}\n",
				hclComment(e.ResourceName), l, cl, hclString(e.ResourceID))
		}
	}
	incompatible := map[string][]string{}
	for _, inc := range opt.Incompatible {
		what := "package " + inc.OtherID
		if inc.GroupID != "" {
			what = "the members of group " + inc.GroupID
		}
		incompatible[inc.PackageID] = append(incompatible[inc.PackageID], what)
	}
	for _, p := range pkgs {
		pl := labels.label(p.ID)
		fmt.Fprintf(b, "\n# Package %s\n", hclComment(p.Name))
		var gaps []string
		if p.Automatic && p.Rule != "" {
			gaps = append(gaps, "automatic assignment rule "+p.Rule)
		}
		if p.DirectReason != "" {
			fmt.Fprintf(b, "# Direct assignment: %s\n", hclComment(p.DirectReason))
		}
		for _, e := range p.Entitlements {
			switch e.ResourceType {
			case tenant.TypeGroup:
			case tenant.TypeUnknown:
				gaps = append(gaps, fmt.Sprintf("role %s on %s (resource type unknown: ingest a resources file)", e.Role, e.ResourceName))
			default:
				gaps = append(gaps, fmt.Sprintf("%s role %s on %s", e.ResourceType, e.Role, e.ResourceName))
			}
		}
		for _, other := range incompatible[p.ID] {
			gaps = append(gaps, "incompatible with "+other)
		}
		if n := len(opt.Backfill[p.ID]); n > 0 {
			// The provider has no resource for an assignment.
			gaps = append(gaps, fmt.Sprintf("direct assignment to the %d users who hold its access today (back-fill)", n))
		}
		if len(gaps) > 0 {
			b.WriteString("# Not expressible in the azuread provider; see graph-plan.json:\n")
			for _, g := range gaps {
				fmt.Fprintf(b, "#   - %s\n", hclComment(g))
			}
		}
		fmt.Fprintf(b, "resource \"azuread_access_package\" %q {\n  catalog_id   = azuread_access_package_catalog.%s.id\n  display_name = %s\n  description  = %s\n  hidden       = false\n}\n",
			pl, catLabel[p.ID], hclString(p.Name), hclString(cmp.Or(p.Description, p.Name)))
		for _, e := range p.Entitlements {
			if e.ResourceType != tenant.TypeGroup || (e.Role != "Member" && e.Role != "Owner") {
				continue
			}
			fmt.Fprintf(b, "\nresource \"azuread_access_package_resource_package_association\" %q {\n  access_package_id               = azuread_access_package.%s.id\n  catalog_resource_association_id = azuread_access_package_resource_catalog_association.%s.id\n  access_type                     = %q\n}\n",
				labels.label(p.ID+"_"+groupLabel[catLabel[p.ID]+e.ResourceID]+"_"+e.Role), pl, groupLabel[catLabel[p.ID]+e.ResourceID], e.Role)
		}
		// requests_accepted: a policy without it comes out not accepting
		// requests, and administrators cannot assign through it
		// (hashicorp/terraform-provider-azuread#1209).
		settings := opt.Policies.Settings(p)
		fmt.Fprintf(b, "\nresource \"azuread_access_package_assignment_policy\" %q {\n  access_package_id = azuread_access_package.%s.id\n  display_name      = %s\n  description       = \"Administrators assign this package directly\"\n%s  requestor_settings {\n    scope_type        = \"NoSubjects\"\n    requests_accepted = true\n  }\n  approval_settings {\n    approval_required = false\n  }\n%s}\n",
			labels.label(p.ID+"_direct"), pl, hclString("Direct assignment: "+p.Name), tfExpiration(settings.Expiration), tfReview(settings.Review))
		if settings.requestable() {
			fmt.Fprintf(b, "\nresource \"azuread_access_package_assignment_policy\" %q {\n  access_package_id = azuread_access_package.%s.id\n  display_name      = %s\n  description       = %s\n%s  requestor_settings {\n    scope_type        = %q\n    requests_accepted = true\n  }\n%s%s%s}\n",
				labels.label(p.ID+"_request"), pl, hclString("Request: "+p.Name), hclString("Users ask for this package; "+string(settings.Requestors)+" may request it"),
				tfExpiration(settings.Expiration), tfScope[settings.Requestors], tfApproval(settings.Approval), tfReview(settings.Review), tfQuestions(settings.Questions))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// hclString quotes s as an HCL string: escapes as in JSON, and template
// sequences ${ and %{ doubled so that they stay literal.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// hclComment makes s safe inside a # comment: one line.
func hclComment(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// labeler makes unique resource labels: letters, digits and underscores,
// starting with a letter.
type labeler struct{ used map[string]int }

func newLabeler() *labeler { return &labeler{used: map[string]int{}} }

func (l *labeler) label(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" || !unicode.IsLetter(rune(out[0])) {
		out = "r_" + out
	}
	l.used[out]++
	if n := l.used[out]; n > 1 {
		out = fmt.Sprintf("%s_%d", out, n)
	}
	return out
}

// The policy settings as the azuread provider's
// azuread_access_package_assignment_policy arguments (checked against its
// schema by the tests).

// tfScope maps requestors to the provider's requestor_settings.scope_type.
var tfScope = map[Requestors]string{"employees": "AllExistingDirectoryMemberUsers", "guests": "AllExternalSubjects",
	"connectedOrganizations": "AllConfiguredConnectedOrganizationSubjects", "everyone": "AllExistingDirectorySubjects"}

// tfFrequency maps a review frequency to review_frequency.
var tfFrequency = map[Frequency]string{"monthly": "monthly", "quarterly": "quarterly", "halfYearly": "halfyearly", "annual": "annual"}

func tfExpiration(e *Expiration) string {
	if e == nil || e.Never {
		return ""
	}
	return fmt.Sprintf("  duration_in_days  = %d\n", e.Days)
}

// tfSubject writes a subject block (primary_approver, reviewer).
func tfSubject(block, indent string, s Subject) string {
	switch k, id := s.split(); k {
	case "user":
		return fmt.Sprintf("%s%s {\n%s  subject_type = \"singleUser\"\n%s  object_id    = %s\n%s}\n", indent, block, indent, indent, hclString(id), indent)
	case "group":
		return fmt.Sprintf("%s%s {\n%s  subject_type = \"groupMembers\"\n%s  object_id    = %s\n%s}\n", indent, block, indent, indent, hclString(id), indent)
	}
	return fmt.Sprintf("%s%s {\n%s  subject_type = \"requestorManager\"\n%s}\n", indent, block, indent, indent)
}

func tfApproval(a *Approval) string {
	if a == nil || len(a.Stages) == 0 {
		return "  approval_settings {\n    approval_required = false\n  }\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  approval_settings {\n    approval_required                = true\n    requestor_justification_required = %t\n", a.RequestorJustification)
	for _, st := range a.Stages {
		fmt.Fprintf(&b, "    approval_stage {\n      approval_timeout_in_days        = %d\n      approver_justification_required = true\n", cmp.Or(st.TimeoutDays, 14))
		for _, s := range st.Approvers {
			b.WriteString(tfSubject("primary_approver", "      ", s))
		}
		b.WriteString("    }\n")
	}
	b.WriteString("  }\n")
	return b.String()
}

func tfReview(r *Review) string {
	if r == nil {
		return ""
	}
	var b strings.Builder
	typ := "Reviewers"
	switch {
	case len(r.Reviewers) == 1 && r.Reviewers[0] == Self:
		typ = "Self"
	case len(r.Reviewers) == 1 && r.Reviewers[0] == Manager:
		typ = "Manager"
	}
	timeout := "keepAccess"
	if r.RemoveIfNotReviewed {
		timeout = "removeAccess"
	}
	fmt.Fprintf(&b, "  assignment_review_settings {\n    enabled                         = true\n    review_frequency                = %q\n    review_type                     = %q\n    duration_in_days                = %d\n    access_recommendation_enabled   = true\n    access_review_timeout_behavior  = %q\n    approver_justification_required = true\n",
		tfFrequency[r.Frequency], typ, cmp.Or(r.DurationDays, 14), timeout)
	if typ == "Reviewers" {
		for _, s := range r.Reviewers {
			if s != Self {
				b.WriteString(tfSubject("reviewer", "    ", s))
			}
		}
	}
	b.WriteString("  }\n")
	return b.String()
}

func tfQuestions(qs []Question) string {
	var b strings.Builder
	for i, q := range qs {
		fmt.Fprintf(&b, "  question {\n    required = %t\n    sequence = %d\n    text {\n      default_text = %s\n    }\n  }\n", q.Required, i+1, hclString(q.Text))
	}
	return b.String()
}
