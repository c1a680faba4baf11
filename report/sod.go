package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rolemine/rolemine/internal/yamlfile"
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
// optionally one role of it (compared case-insensitively); or a proposed
// package by id or name, which stands for the access that sets it apart
// (its entitlements outside the birthright). A user holds a package's side
// when they hold at least PackageHoldShare of that access.
type Selector struct {
	Resource string `yaml:"resource,omitempty" json:"resource,omitempty"`
	Role     string `yaml:"role,omitempty" json:"role,omitempty"`
	Package  string `yaml:"package,omitempty" json:"package,omitempty"`
}

// PackageHoldShare is the share of a package's own access a user must
// hold for a package selector to match them.
const PackageHoldShare = 0.8

// Severities, from least to most severe.
var Severities = []string{"low", "medium", "high", "critical"}

// UnmarshalYAML records the rule's line for error messages.
func (r *SoDRule) UnmarshalYAML(n *yaml.Node) error {
	// Decoding through a node does not inherit the decoder's strictness:
	// check the keys here.
	if err := yamlfile.CheckKeys(n, "name", "description", "severity", "left", "right"); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i].Value; (k == "left" || k == "right") && n.Content[i+1].Kind == yaml.SequenceNode {
			for _, sel := range n.Content[i+1].Content {
				if err := yamlfile.CheckKeys(sel, "resource", "role", "package"); err != nil {
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

// ParseSoDRules reads and checks a rule file; name is used in errors.
func ParseSoDRules(name string, r io.Reader) (*SoDRules, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var rules SoDRules
	if err := yamlfile.Decode(name, data, &rules); err != nil {
		if ie := (*tenant.InputError)(nil); errors.As(err, &ie) && ie.Msg == yamlfile.ErrEmpty {
			ie.Msg = "the rule file is empty"
		}
		return nil, err
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
				res, pkg := strings.TrimSpace(s.Resource), strings.TrimSpace(s.Package)
				switch {
				case res == "" && pkg == "":
					return nil, bad(side, "every entry needs a resource or a package")
				case res != "" && pkg != "":
					return nil, bad(side, "an entry names a resource or a package, not both")
				case pkg != "" && s.Role != "":
					return nil, bad(side, "a package entry takes no role")
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
	// IncompatibleGroups: a package that grants one side of a rule is
	// marked incompatible with each group on the other side, so that the
	// group's members (who hold that side directly) cannot request it.
	IncompatibleGroups []IncompatibleGroup `json:"incompatibleGroups"`
	Unmatched          []string            `json:"unmatchedRules"`
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

// IncompatibleGroup is a package to mark incompatible with a group.
type IncompatibleGroup struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	PackageID string `json:"packageId"`
	GroupID   string `json:"groupId"`
	GroupName string `json:"groupName"`
}

// matches resolves a rule's resource selectors to entitlement indices.
func matches(d *tenant.Data, sels []Selector) []bool {
	out := make([]bool, len(d.Entitlements))
	for e, ent := range d.Entitlements {
		for _, s := range sels {
			res := strings.TrimSpace(s.Resource)
			if res != "" && (ent.ResourceID == res || d.Resources[ent.ResourceID].DisplayName == res) &&
				(s.Role == "" || strings.EqualFold(strings.TrimSpace(s.Role), ent.Role)) {
				out[e] = true
			}
		}
	}
	return out
}

// side is one side of a rule resolved against a snapshot and a run: the
// entitlements its resource selectors match, and the packages its package
// selectors name with their own access.
type side struct {
	ents     []bool
	pkgs     []int     // indices into run.Packages
	pkgEnts  [][]int32 // per named package: its entitlements outside the birthright
	matchAny bool      // some entitlement or package matched
}

func resolveSide(d *tenant.Data, run *tenant.Run, ix *pkgIndex, sels []Selector) side {
	s := side{ents: matches(d, sels)}
	s.matchAny = slices.Contains(s.ents, true)
	if run == nil {
		return s
	}
	birthright := map[int32]bool{}
	for i, p := range run.Packages {
		if p.Kind == tenant.KindBirthright {
			for _, e := range ix.ents[i] {
				birthright[e] = true
			}
		}
	}
	for _, sel := range sels {
		name := strings.TrimSpace(sel.Package)
		if name == "" {
			continue
		}
		for i, p := range run.Packages {
			if p.ID != name && p.Name != name {
				continue
			}
			var own []int32
			for _, e := range ix.ents[i] {
				if !birthright[e] {
					own = append(own, e)
				}
			}
			s.pkgs = append(s.pkgs, i)
			s.pkgEnts = append(s.pkgEnts, own)
			s.matchAny = true
		}
	}
	return s
}

// held returns what of the side a user's sorted row holds.
func (s side) held(d *tenant.Data, row []int32) []tenant.Entitlement {
	var out []tenant.Entitlement
	for _, e := range row {
		if s.ents[e] {
			out = append(out, d.Entitlements[e])
		}
	}
	for _, own := range s.pkgEnts {
		if len(own) == 0 {
			continue
		}
		var have []tenant.Entitlement
		for _, e := range own {
			if _, ok := slices.BinarySearch(row, e); ok {
				have = append(have, d.Entitlements[e])
			}
		}
		if float64(len(have)) >= PackageHoldShare*float64(len(own)) {
			for _, e := range have {
				if !slices.Contains(out, e) {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// grantedBy reports whether package p grants the side: it holds a matched
// entitlement, is a named package, or contains a named package's access.
func (s side) grantedBy(ix *pkgIndex, p int) bool {
	for _, e := range ix.ents[p] {
		if s.ents[e] {
			return true
		}
	}
	for k, q := range s.pkgs {
		if q == p {
			return true
		}
		contains := len(s.pkgEnts[k]) > 0
		for _, e := range s.pkgEnts[k] {
			if _, ok := slices.BinarySearch(ix.ents[p], e); !ok {
				contains = false
				break
			}
		}
		if contains {
			return true
		}
	}
	return false
}

// groups returns the groups among the side's matched entitlements, by
// resource id.
func (s side) groups(d *tenant.Data) []string {
	var out []string
	for e, ok := range s.ents {
		if id := d.Entitlements[e].ResourceID; ok && d.Resources[id].Type == tenant.TypeGroup && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// ComputeSoD checks today's access and the proposed packages against rules
// (nil: no rules; the report then only carries suggestions when the caller
// adds them).
func ComputeSoD(ctx context.Context, d *tenant.Data, run *tenant.Run, rules *SoDRules) (*SoD, error) {
	rep := &SoD{SnapshotID: d.Snapshot.ID, Violations: []Violation{}, PackageConflicts: []PackageConflict{}, Incompatible: []IncompatiblePackage{},
		IncompatibleGroups: []IncompatibleGroup{}, Unmatched: []string{}, Suggested: []SuggestedRule{}}
	var ix *pkgIndex
	if run != nil {
		rep.RunID = run.ID
		var err error
		if ix, err = indexPackages(d, run.Packages); err != nil {
			return nil, err
		}
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
		left, right := resolveSide(d, run, ix, rule.Left), resolveSide(d, run, ix, rule.Right)
		if !left.matchAny || !right.matchAny {
			rep.Unmatched = append(rep.Unmatched, rule.Name)
		}
		for u := 0; u < ds.NumUsers; u++ {
			row := ds.Row(u)
			l := left.held(d, row)
			if len(l) == 0 {
				continue
			}
			r := right.held(d, row)
			if len(r) == 0 {
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
			pl, pr := left.grantedBy(ix, i), right.grantedBy(ix, i)
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
		for _, pair := range []struct {
			pkgs  []int
			other side
		}{{hasLeft, right}, {hasRight, left}} {
			for _, p := range pair.pkgs {
				for _, g := range pair.other.groups(d) {
					if slices.ContainsFunc(ix.ents[p], func(e int32) bool { return d.Entitlements[e].ResourceID == g }) {
						continue // the package grants the group itself: a package conflict
					}
					rep.IncompatibleGroups = append(rep.IncompatibleGroups, IncompatibleGroup{Rule: rule.Name, Severity: rule.Severity,
						PackageID: run.Packages[p].ID, GroupID: g, GroupName: d.ResourceName(g)})
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
