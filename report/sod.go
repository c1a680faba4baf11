package report

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rolemine/rolemine/tenant"
)

// SoDRules is a separation-of-duties rule file. The format is documented
// in docs/sod-rules.md:
//
//	version: 1
//	rules:
//	  - name: Create vendors vs approve payments
//	    description: Nobody may both create a vendor and pay it.
//	    severity: high            # low, medium, high or critical
//	    left:                     # holding any of these ...
//	      - resource: SAP S/4HANA # a resource id or display name
//	        role: Vendor.Master.Edit   # optional: any role when left out
//	    right:                    # ... and any of these is a violation
//	      - resource: SAP S/4HANA
//	        role: AP.Payment.Approve
type SoDRules struct {
	Version int       `yaml:"version"`
	Rules   []SoDRule `yaml:"rules"`
}

// SoDRule forbids holding any entitlement of Left together with any of Right.
type SoDRule struct {
	Name        string     `yaml:"name" json:"name"`
	Description string     `yaml:"description,omitempty" json:"description,omitempty"`
	Severity    string     `yaml:"severity" json:"severity"`
	Left        []Selector `yaml:"left" json:"left"`
	Right       []Selector `yaml:"right" json:"right"`
	line        int
}

// Selector matches entitlements: a resource by id or display name, and
// optionally one role of it (compared case-insensitively).
type Selector struct {
	Resource string `yaml:"resource" json:"resource"`
	Role     string `yaml:"role,omitempty" json:"role,omitempty"`
}

// Severities, from least to most severe.
var Severities = []string{"low", "medium", "high", "critical"}

// UnmarshalYAML records the rule's line for error messages.
func (r *SoDRule) UnmarshalYAML(n *yaml.Node) error {
	// Decoding through a node does not inherit the decoder's strictness:
	// check the keys here.
	if err := checkKeys(n, "name", "description", "severity", "left", "right"); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; (k == "left" || k == "right") && n.Content[i+1].Kind == yaml.SequenceNode {
			for _, sel := range n.Content[i+1].Content {
				if err := checkKeys(sel, "resource", "role"); err != nil {
					return err
				}
			}
		}
	}
	type plain SoDRule
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*r = SoDRule(p)
	r.line = n.Line
	return nil
}

func checkKeys(n *yaml.Node, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(allowed, k.Value) {
			return fmt.Errorf("line %d: field %s not found (use %s)", k.Line, k.Value, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// ParseSoDRules reads and checks a rule file; name is used in errors.
func ParseSoDRules(name string, r io.Reader) (*SoDRules, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var rules SoDRules
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &tenant.InputError{File: name, Msg: "the rule file is empty"}
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		line := 0
		if _, after, ok := strings.Cut(msg, "line "); ok {
			fmt.Sscanf(after, "%d", &line)
		}
		return nil, &tenant.InputError{File: name, Line: line, Msg: msg}
	}
	if rules.Version != 1 {
		return nil, &tenant.InputError{File: name, Field: "version", Msg: fmt.Sprintf("unsupported version %d (this rolemine reads version 1)", rules.Version)}
	}
	seen := map[string]bool{}
	for i := range rules.Rules {
		rule := &rules.Rules[i]
		bad := func(field, msg string) error {
			return &tenant.InputError{File: name, Line: rule.line, Field: field, Msg: fmt.Sprintf("rule %d (%q): %s", i+1, rule.Name, msg)}
		}
		rule.Name = strings.TrimSpace(rule.Name)
		if rule.Name == "" {
			return nil, bad("name", "a rule needs a name")
		}
		if seen[rule.Name] {
			return nil, bad("name", "two rules have this name")
		}
		seen[rule.Name] = true
		rule.Severity = strings.ToLower(strings.TrimSpace(rule.Severity))
		if rule.Severity == "" {
			rule.Severity = "medium"
		}
		if !slices.Contains(Severities, rule.Severity) {
			return nil, bad("severity", fmt.Sprintf("unknown severity %q (use %s)", rule.Severity, strings.Join(Severities, ", ")))
		}
		for side, sels := range map[string][]Selector{"left": rule.Left, "right": rule.Right} {
			if len(sels) == 0 {
				return nil, bad(side, "a rule needs at least one entitlement on each side")
			}
			for _, s := range sels {
				if strings.TrimSpace(s.Resource) == "" {
					return nil, bad(side, "every entry needs a resource")
				}
			}
		}
	}
	return &rules, nil
}

// SoD is the separation-of-duties report.
type SoD struct {
	SnapshotID       int64                 `json:"snapshotId"`
	RunID            int64                 `json:"runId"`
	Violations       []Violation           `json:"violations"`
	PackageConflicts []PackageConflict     `json:"packageConflicts"`
	Incompatible     []IncompatiblePackage `json:"incompatiblePackages"`
	Unmatched        []string              `json:"unmatchedRules"`
	// Suggested are rules the data suggests; see SuggestRules.
	Suggested []SuggestedRule `json:"suggestedRules"`
}

// Violation is a user who holds both sides of a rule today.
type Violation struct {
	Rule              string               `json:"rule"`
	Severity          string               `json:"severity"`
	UserID            string               `json:"userId"`
	UserPrincipalName string               `json:"userPrincipalName"`
	Left              []tenant.Entitlement `json:"left"`
	Right             []tenant.Entitlement `json:"right"`
	Reason            string               `json:"reason"`
}

// PackageConflict is a proposed package that would grant both sides.
type PackageConflict struct {
	Rule        string `json:"rule"`
	Severity    string `json:"severity"`
	PackageID   string `json:"packageId"`
	PackageName string `json:"packageName"`
	Reason      string `json:"reason"`
}

// IncompatiblePackage is a pair of packages that must be marked
// incompatible: one grants a rule's left side, the other its right side.
type IncompatiblePackage struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	PackageID string `json:"packageId"`
	OtherID   string `json:"incompatibleWith"`
}

// matcher resolves a rule's selectors to entitlement indices.
func matches(d *tenant.Data, sels []Selector) []bool {
	out := make([]bool, len(d.Entitlements))
	for e, ent := range d.Entitlements {
		for _, s := range sels {
			res := strings.TrimSpace(s.Resource)
			if (ent.ResourceID == res || d.Resources[ent.ResourceID].DisplayName == res) &&
				(s.Role == "" || strings.EqualFold(strings.TrimSpace(s.Role), ent.Role)) {
				out[e] = true
			}
		}
	}
	return out
}

// ComputeSoD checks today's access and the proposed packages against rules
// (nil: no rules; the report then only carries suggestions when the caller
// adds them).
func ComputeSoD(ctx context.Context, d *tenant.Data, run *tenant.Run, rules *SoDRules) (*SoD, error) {
	rep := &SoD{SnapshotID: d.Snapshot.ID, Violations: []Violation{}, PackageConflicts: []PackageConflict{}, Incompatible: []IncompatiblePackage{},
		Unmatched: []string{}, Suggested: []SuggestedRule{}}
	if run != nil {
		rep.RunID = run.ID
	}
	ds := d.Dataset
	var list []SoDRule
	if rules != nil {
		list = rules.Rules
	}
	for _, rule := range list {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		left, right := matches(d, rule.Left), matches(d, rule.Right)
		if !slices.Contains(left, true) || !slices.Contains(right, true) {
			rep.Unmatched = append(rep.Unmatched, rule.Name)
		}
		for u := 0; u < ds.NumUsers; u++ {
			var l, r []tenant.Entitlement
			for _, e := range ds.Row(u) {
				if left[e] {
					l = append(l, d.Entitlements[e])
				}
				if right[e] {
					r = append(r, d.Entitlements[e])
				}
			}
			if len(l) == 0 || len(r) == 0 {
				continue
			}
			rep.Violations = append(rep.Violations, Violation{
				Rule: rule.Name, Severity: rule.Severity, UserID: d.UserIDs[u], UserPrincipalName: d.UPNs[u], Left: l, Right: r,
				Reason: fmt.Sprintf("holds %s and %s, which rule %q forbids together", describeEnts(d, l), describeEnts(d, r), rule.Name),
			})
		}
		if run == nil {
			continue
		}
		var hasLeft, hasRight []int
		for i, p := range run.Packages {
			pl, pr := false, false
			for _, pe := range p.Entitlements {
				e, ok := d.EntitlementIndex(pe.Entitlement())
				if !ok {
					continue
				}
				pl = pl || left[e]
				pr = pr || right[e]
			}
			if pl {
				hasLeft = append(hasLeft, i)
			}
			if pr {
				hasRight = append(hasRight, i)
			}
			if pl && pr {
				rep.PackageConflicts = append(rep.PackageConflicts, PackageConflict{
					Rule: rule.Name, Severity: rule.Severity, PackageID: p.ID, PackageName: p.Name,
					Reason: fmt.Sprintf("package %q would grant both sides of rule %q", p.Name, rule.Name),
				})
			}
		}
		for _, a := range hasLeft {
			for _, b := range hasRight {
				if a != b {
					rep.Incompatible = append(rep.Incompatible, IncompatiblePackage{
						Rule: rule.Name, Severity: rule.Severity, PackageID: run.Packages[a].ID, OtherID: run.Packages[b].ID})
				}
			}
		}
	}
	slices.SortStableFunc(rep.Violations, func(a, b Violation) int {
		return cmp.Or(cmp.Compare(severityRank(b.Severity), severityRank(a.Severity)), strings.Compare(a.Rule, b.Rule), strings.Compare(a.UserID, b.UserID))
	})
	return rep, nil
}

func severityRank(s string) int { return slices.Index(Severities, s) }

func describeEnts(d *tenant.Data, es []tenant.Entitlement) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Role + " on " + d.ResourceName(e.ResourceID)
	}
	return strings.Join(parts, ", ")
}

// WriteRuleFile writes rules in the rule-file format, readable by
// ParseSoDRules.
func WriteRuleFile(w io.Writer, rules *SoDRules) error {
	if _, err := io.WriteString(w, "# Separation-of-duties rules (format: docs/sod-rules.md).\n"); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(rules); err != nil {
		return err
	}
	return enc.Close()
}
