package tenant

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/rolemine/rolemine/mining"
)

// Package is a proposed access package with identifiers instead of indices:
// what `mine` prints, the store keeps and the exports turn into Entra
// definitions.
type Package struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Kind        Kind   `json:"kind"`
	Rule        string `json:"rule"`
	Automatic   bool   `json:"automatic"`
	// DirectReason says why a package that mining gave a rule is for direct
	// assignment: its rule tests an attribute Entra cannot evaluate.
	DirectReason string               `json:"directReason,omitempty"`
	Conditions   []Condition          `json:"conditions"`
	Members      []string             `json:"members"`
	Entitlements []PackageEntitlement `json:"entitlements"`
	Metrics      Metrics              `json:"metrics"`
}

// Metrics measure a package; their names are the ones every output uses.
// They are the miner's (mining.Metrics), named here.
type Metrics struct {
	Members      int `json:"members"`
	Entitlements int `json:"entitlements"`
	// RuleUsers counts all users (eligible or not) the conditions select.
	RuleUsers int `json:"ruleUsers"`
	// Coverage is the share of the members' current assignments that this
	// package together with the birthright package explains.
	Coverage float64 `json:"coverage"`
	// MembersGaining counts members who lack at least one of the package's
	// entitlements today; GrantsAdded counts those missing grants.
	MembersGaining int     `json:"membersGaining"`
	GrantsAdded    int     `json:"grantsAdded"`
	MinPrevalence  float64 `json:"minPrevalence"`
	MeanPrevalence float64 `json:"meanPrevalence"`
	// RulePrecision and RuleRecall say how well a package's rule fits the
	// users with its access (mining.Metrics says how each kind measures it).
	RulePrecision float64 `json:"rulePrecision,omitempty"`
	RuleRecall    float64 `json:"ruleRecall,omitempty"`
}

// Condition is one attribute test of a package's rule.
type Condition struct {
	Attribute string   `json:"attribute"`
	Values    []string `json:"values"`
}

// PackageEntitlement is an entitlement of a package with what a reader needs
// to recognise it.
type PackageEntitlement struct {
	ResourceID   string  `json:"resourceId"`
	Role         string  `json:"role"`
	ResourceType string  `json:"resourceType"`
	ResourceName string  `json:"resourceName"`
	Prevalence   float64 `json:"prevalence"`
}

// Entitlement returns the entitlement without its description.
func (p PackageEntitlement) Entitlement() Entitlement {
	return Entitlement{ResourceID: p.ResourceID, Role: p.Role}
}

// Run is one mining run over a snapshot and the packages it proposed.
type Run struct {
	ID         int64     `json:"runId"`
	SnapshotID int64     `json:"snapshotId"`
	Method     string    `json:"method"`
	Params     RunParams `json:"params"`
	Seconds    float64   `json:"-"`
	Packages   []Package `json:"packages"`
}

// RunParams are the parameters a mining run used.
type RunParams struct {
	By                  []string `json:"by"`
	Threshold           float64  `json:"threshold"`
	BirthrightThreshold float64  `json:"birthrightThreshold"`
	MinMembers          int      `json:"minMembers"`
	MaxRuleUsers        int      `json:"maxRuleUsers"`
	Trim                bool     `json:"trim"`
	Variants            bool     `json:"variants"`
	Clusters            bool     `json:"clusters"`
	RuleAttributes      []string `json:"ruleAttributes,omitempty"`
	// Chosen is the leave-one-out score of the attributes, threshold and
	// group size that --by auto or --tune chose.
	Chosen *mining.AttributeScore `json:"chosen,omitempty"`
}

// PackageName is the name Packages gives mined package mp: a team's is
// its manager's.
func PackageName(d *Data, mp mining.Package) string {
	if mp.Kind == mining.Team {
		return "Team of " + cmp.Or(d.UPNs[mp.Manager], d.UserIDs[mp.Manager])
	}
	return mp.Name
}

// Packages turns a mining result over d into packages with identifiers,
// rules and stable ids. props names the rule property each attribute is
// evaluated as (nil: the built-in names); a package whose rule would test
// an attribute Entra cannot evaluate is for direct assignment, with the
// reason.
func Packages(d *Data, res *mining.Result, props *RuleProperties) []Package {
	out := make([]Package, 0, len(res.Packages))
	ids := map[string]int{}
	for _, mp := range res.Packages {
		p := Package{
			Name:      PackageName(d, mp),
			Kind:      KindOf(mp.Kind),
			Automatic: mp.Automatic,
			Metrics:   Metrics(mp.Metrics),
		}
		for _, c := range mp.Conditions {
			p.Conditions = append(p.Conditions, Condition{Attribute: c.Attribute, Values: caseFold(c.Values)})
		}
		if mp.Kind == mining.Team {
			if !mp.Automatic {
				p.DirectReason = "it is a manager's team: assign it to the manager and their direct reports"
			}
		}
		if bad := props.unevaluable(p.Conditions); mp.Automatic && len(bad) > 0 {
			p.Automatic = false
			p.DirectReason = fmt.Sprintf("its rule would test %s, which Entra cannot evaluate; map it to a supported property or an extension attribute with --rule-attribute %s=extensionAttribute1",
				strings.Join(bad, " and "), bad[0])
		}
		if p.Automatic {
			p.Rule = props.MembershipRule(mp.Kind == mining.Birthright, p.Conditions)
		}
		base := slugify(p.Name)
		if mp.Kind == mining.Team {
			local, _, _ := strings.Cut(cmp.Or(d.UPNs[mp.Manager], d.UserIDs[mp.Manager]), "@")
			base = "team-" + slugify(local)
		}
		if mp.Kind == mining.Birthright {
			base = "birthright"
			if len(mp.Conditions) > 0 {
				base += "-" + slugify(strings.TrimPrefix(p.Name, "Birthright / "))
			}
		}
		ids[base]++
		p.ID = base
		if n := ids[base]; n > 1 {
			p.ID = fmt.Sprintf("%s-%d", base, n)
		}
		p.Members = make([]string, len(mp.Members))
		for i, u := range mp.Members {
			p.Members[i] = d.UserIDs[u]
		}
		slices.Sort(p.Members)
		for i, e := range mp.Entitlements {
			ent := d.Entitlements[e]
			r := d.Resources[ent.ResourceID]
			typ := r.Type
			if typ == "" {
				typ = TypeUnknown
			}
			p.Entitlements = append(p.Entitlements, PackageEntitlement{
				ResourceID: ent.ResourceID, Role: ent.Role, ResourceType: typ,
				ResourceName: d.ResourceName(ent.ResourceID), Prevalence: mp.Prevalence[i],
			})
		}
		slices.SortFunc(p.Entitlements, func(a, b PackageEntitlement) int {
			return strings.Compare(a.ResourceName+"\x00"+a.ResourceID+"\x00"+a.Role, b.ResourceName+"\x00"+b.ResourceID+"\x00"+b.Role)
		})
		p.Description = Describe(p)
		out = append(out, p)
	}
	return out
}

// Describe returns the plain-language description of a package.
func Describe(p Package) string {
	switch {
	case p.DirectReason != "":
		return fmt.Sprintf("%s (%d users, %d entitlements): assign it directly, because %s.", p.Name, p.Metrics.Members, p.Metrics.Entitlements, p.DirectReason)
	case p.Kind == KindBirthright:
		return fmt.Sprintf("Access held by nearly every employee (%d users, %d entitlements).", p.Metrics.Members, p.Metrics.Entitlements)
	case p.Kind == KindVariant && !p.Automatic:
		return fmt.Sprintf("Variant %s: %d users of the job function hold these %d entitlements together; no attribute tells them apart, so assign it directly.", p.Name, p.Metrics.Members, p.Metrics.Entitlements)
	case p.Kind == KindVariant:
		return fmt.Sprintf("Variant %s: %d users of the job function hold these %d entitlements together.", p.Name, p.Metrics.Members, p.Metrics.Entitlements)
	case p.Kind == KindCluster && !p.Automatic:
		return fmt.Sprintf("%d users whose access is alike (%d entitlements) but whom no attribute describes well (best rule: precision %.2f, recall %.2f); assign it directly.",
			p.Metrics.Members, p.Metrics.Entitlements, p.Metrics.RulePrecision, p.Metrics.RuleRecall)
	case p.Kind == KindCluster:
		return fmt.Sprintf("Users whose access is alike (%d users, %d entitlements), found by clustering their access; the rule selects them with precision %.2f and recall %.2f.",
			p.Metrics.Members, p.Metrics.Entitlements, p.Metrics.RulePrecision, p.Metrics.RuleRecall)
	case p.Kind == KindTeam:
		return fmt.Sprintf("%s (%d users, %d entitlements): what most of the manager's team holds and no other package of theirs grants; its rule selects the team.", p.Name, p.Metrics.Members, p.Metrics.Entitlements)
	case p.Kind == KindAttributeGroup:
		return fmt.Sprintf("%s (%d users, %d entitlements): what at least %.0f%% of them hold beyond their other packages.", p.Name, p.Metrics.Members, p.Metrics.Entitlements, 100*p.Metrics.MinPrevalence)
	case !p.Automatic:
		return fmt.Sprintf("Job function %s (%d users, %d entitlements); its rule would select more users than an assignment policy allows, so assign it directly.", p.Name, p.Metrics.Members, p.Metrics.Entitlements)
	}
	return fmt.Sprintf("Job function %s (%d users, %d entitlements held by at least %.0f%% of them).", p.Name, p.Metrics.Members, p.Metrics.Entitlements, 100*p.Metrics.MinPrevalence)
}

// caseFold drops values equal to an earlier one but for case: Entra compares
// rule values case-insensitively.
func caseFold(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if !slices.ContainsFunc(out, func(w string) bool { return strings.EqualFold(v, w) }) {
			out = append(out, v)
		}
	}
	return out
}

func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "package"
	}
	return b.String()
}
