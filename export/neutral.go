package export

import (
	"io"
	"strconv"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/tenant"
)

// Definition is a tool-neutral package definition.
type Definition struct {
	ID               string                      `json:"id"`
	Name             string                      `json:"name"`
	Description      string                      `json:"description"`
	Kind             tenant.Kind                 `json:"kind"`
	Rule             string                      `json:"rule"`
	Automatic        bool                        `json:"automatic"`
	DirectReason     string                      `json:"directReason,omitempty"`
	Conditions       []tenant.Condition          `json:"conditions"`
	Entitlements     []tenant.PackageEntitlement `json:"entitlements"`
	Metrics          tenant.Metrics              `json:"metrics"`
	IncompatibleWith []string                    `json:"incompatibleWith"`
	// IncompatibleGroups are groups whose members must not get the package.
	IncompatibleGroups []string `json:"incompatibleGroups"`
	// Policy holds the settings of its assignment policies: approval,
	// expiration, reviews, questions and requestors.
	Policy PolicySettings `json:"policy,omitzero"`
	// Catalog is the policy file's catalog for its department, if any.
	Catalog string `json:"catalog,omitempty"`
}

// Definitions is the document `export --format json` writes.
type Definitions struct {
	Version  int          `json:"version"`
	Packages []Definition `json:"packages"`
}

// BuildDefinitions turns packages into tool-neutral definitions, with the
// incompatibilities and the policy settings of opt.
func BuildDefinitions(pkgs []tenant.Package, opt Options) *Definitions {
	incompatible := opt.Incompatible
	out := &Definitions{Version: 1, Packages: make([]Definition, len(pkgs))}
	for i, p := range pkgs {
		d := Definition{ID: p.ID, Name: p.Name, Description: p.Description, Kind: p.Kind, Rule: p.Rule, Automatic: p.Automatic, DirectReason: p.DirectReason,
			Conditions: p.Conditions, Entitlements: p.Entitlements, Metrics: p.Metrics, IncompatibleWith: []string{}, IncompatibleGroups: []string{},
			Policy: opt.Policies.Settings(p)}
		if c := opt.Policies.CatalogFor(p); c != nil {
			d.Catalog = c.Name
		}
		for _, inc := range incompatible {
			switch {
			case inc.PackageID != p.ID:
			case inc.GroupID != "":
				d.IncompatibleGroups = append(d.IncompatibleGroups, inc.GroupID)
			default:
				d.IncompatibleWith = append(d.IncompatibleWith, inc.OtherID)
			}
		}
		out.Packages[i] = d
	}
	return out
}

// WriteJSON writes tool-neutral definitions as JSON.
func WriteJSON(w io.Writer, defs *Definitions) error { return render.WriteJSON(w, defs) }

// WriteCSV writes one row per package entitlement.
func WriteCSV(w io.Writer, defs *Definitions) error {
	header := []string{"packageId", "packageName", "kind", "rule", "automatic", "members", "resourceId", "resourceType", "resourceName", "role", "prevalence",
		"rulePrecision", "ruleRecall", "directReason"}
	var rows [][]string
	for _, p := range defs.Packages {
		// A rule's fit is not measured for the birthright package, nor by
		// runs mined before it was.
		var precision, recall string
		if p.Kind != tenant.KindBirthright && (p.Metrics.RulePrecision > 0 || p.Metrics.RuleRecall > 0) {
			precision = strconv.FormatFloat(p.Metrics.RulePrecision, 'f', -1, 64)
			recall = strconv.FormatFloat(p.Metrics.RuleRecall, 'f', -1, 64)
		}
		for _, e := range p.Entitlements {
			rows = append(rows, []string{p.ID, p.Name, string(p.Kind), p.Rule, strconv.FormatBool(p.Automatic), strconv.Itoa(p.Metrics.Members),
				e.ResourceID, e.ResourceType, e.ResourceName, e.Role, strconv.FormatFloat(e.Prevalence, 'f', -1, 64), precision, recall, p.DirectReason})
		}
	}
	return render.WriteCSV(w, header, rows)
}
