// Package pipeline holds the use cases the commands run: ingest, load a
// snapshot, mine it, compute reports (and, in functions named Save*, keep
// their findings in the store), export, apply and roll out. Each function
// is one step a command runs; none prints. The demo, the bench command and
// the evaluation against a generated tenant's truth use them from
// internal/bench.
package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/rolemine/rolemine/internal/store"
	"github.com/rolemine/rolemine/mining"
	"github.com/rolemine/rolemine/report"
	"github.com/rolemine/rolemine/tenant"
)

// ErrNoAttribute is returned by --by auto when no attribute predicts
// access.
var ErrNoAttribute = errors.New("no user attribute predicts access")

// noPredictor is ErrNoAttribute for flag (--tune, --by auto), saying
// which of d's attributes rules cannot test: only those mapped to a
// property Entra evaluates (ruleAttrs) are chosen among.
func noPredictor(flag string, d *mining.Dataset, ruleAttrs []string) error {
	var other []string
	for _, a := range d.Attributes {
		if !slices.Contains(ruleAttrs, a.Name) && len(a.Values) > 1 {
			other = append(other, a.Name)
		}
	}
	if len(other) == 0 {
		return fmt.Errorf("%s: %w", flag, ErrNoAttribute)
	}
	are, them := "are not properties", "them"
	if len(other) == 1 {
		are, them = "is not a property", "it"
	}
	return fmt.Errorf("%s: %w among the attributes rules can test (%s); the snapshot's %s %s Entra's rules evaluate (map %s with --rule-attribute NAME=extensionAttributeN, N from 1 to 15, for rules to test %[6]s)",
		flag, ErrNoAttribute, cmp.Or(strings.Join(ruleAttrs, ", "), "none"), strings.Join(other, ", "), are, them)
}

// ErrBadRuleAttribute is returned for a --rule-attribute mapping that is
// malformed or names a property Entra's rules cannot evaluate.
var ErrBadRuleAttribute = errors.New("bad --rule-attribute")

// ErrUnknownAttribute is returned for --by naming an attribute the
// snapshot does not have.
var ErrUnknownAttribute = errors.New("unknown attribute")

// resolveAttributes maps attribute names as a user typed them to the
// snapshot's, ignoring case ("jobtitle" is jobTitle); "auto" stays as it is.
func resolveAttributes(d *mining.Dataset, names []string) ([]string, error) {
	if len(names) == 1 && names[0] == "auto" {
		return names, nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		for _, a := range d.Attributes {
			if strings.EqualFold(a.Name, strings.TrimSpace(n)) {
				out[i] = a.Name
				break
			}
		}
		if out[i] == "" {
			known := make([]string, len(d.Attributes))
			for j, a := range d.Attributes {
				known[j] = a.Name
			}
			return nil, fmt.Errorf("%w %q (the snapshot's attributes: %s)", ErrUnknownAttribute, n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

// Attributes ranks a snapshot's attributes (and pairs) by how well they
// predict access.
func Attributes(ctx context.Context, st *store.Store, snapshotID int64, opt mining.RankOptions) (tenant.Snapshot, []mining.AttributeScore, error) {
	snap, err := st.Resolve(ctx, snapshotID)
	if err != nil {
		return snap, nil, err
	}
	data, err := st.Load(ctx, snap)
	if err != nil {
		return snap, nil, fmt.Errorf("load snapshot %d: %w", snap.ID, err)
	}
	ranks, err := mining.RankAttributes(ctx, data.Dataset, opt)
	return snap, ranks, err
}

// MineOptions are the miner's options and how to choose what to group by:
// with By "auto" the attributes (or pair) that best predict access at the
// given threshold, with Tune the attributes, threshold and minimum group
// size together (mining.Tune).
type MineOptions struct {
	mining.Options
	Tune bool
	// RuleAttributes maps attributes to the rule properties Entra evaluates
	// them as (costCenter=extensionAttribute3), besides the built-in names.
	RuleAttributes []string
}

// Mine loads a snapshot (0: the latest), mines job-function packages and
// records the run in the store, with the parameters it used.
func Mine(ctx context.Context, st *store.Store, snapshotID int64, mo MineOptions) (*tenant.Data, *tenant.Run, error) {
	snap, err := st.Resolve(ctx, snapshotID)
	if err != nil {
		return nil, nil, err
	}
	data, err := st.Load(ctx, snap)
	if err != nil {
		return nil, nil, fmt.Errorf("load snapshot %d: %w", snap.ID, err)
	}
	props, err := tenant.NewRuleProperties(mo.RuleAttributes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrBadRuleAttribute, err)
	}
	if mo.By, err = resolveAttributes(data.Dataset, mo.By); err != nil {
		return nil, nil, err
	}
	start := time.Now()
	opt, ruleAttrs := WithRuleProperties(mo.Options, data.Dataset, props)
	var chosen *mining.AttributeScore
	switch {
	case mo.Tune:
		var score mining.AttributeScore
		if opt, score, err = mining.Tune(ctx, data.Dataset, ruleAttrs, opt); err != nil {
			if errors.Is(err, mining.ErrNoPredictor) {
				return nil, nil, noPredictor("--tune", data.Dataset, ruleAttrs)
			}
			return nil, nil, fmt.Errorf("--tune: %w", err)
		}
		chosen = &score
	case len(opt.By) == 1 && opt.By[0] == "auto":
		ranks, err := mining.RankAttributes(ctx, data.Dataset, mining.RankOptions{Attributes: ruleAttrs, Pairs: true, Threshold: opt.Threshold,
			MinMembers: max(2, opt.MinMembers), BirthrightThreshold: opt.BirthrightThreshold})
		if err != nil {
			return nil, nil, err
		}
		if len(ranks) == 0 || ranks[0].F1 == 0 {
			return nil, nil, noPredictor("--by auto", data.Dataset, ruleAttrs)
		}
		opt.By = ranks[0].Attributes
		chosen = &ranks[0]
	}
	res, err := mining.JobFunctions(ctx, data.Dataset, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("mine: %w", err)
	}
	params := tenant.RunParams{By: opt.By, Threshold: opt.Threshold, BirthrightThreshold: opt.BirthrightThreshold,
		MinMembers: opt.MinMembers, MaxRuleUsers: opt.MaxRuleUsers, Trim: opt.Trim, Variants: opt.Variants, Clusters: opt.Clusters,
		RuleAttributes: props.Mappings(), Chosen: chosen}
	run := &tenant.Run{SnapshotID: snap.ID, Method: "jobFunctions", Params: params,
		Seconds: time.Since(start).Seconds(), Packages: tenant.Packages(data, res, props)}
	if err := st.SaveRun(ctx, run); err != nil {
		return nil, nil, fmt.Errorf("save mining run: %w", err)
	}
	return data, run, nil
}

// WithRuleProperties sets the miner's Evaluable to the dataset's attributes
// that props can evaluate (looked up once, not on every call), and returns
// those with more than one value: what --by auto and --tune choose among.
func WithRuleProperties(opt mining.Options, d *mining.Dataset, props *tenant.RuleProperties) (mining.Options, []string) {
	evaluable := map[string]bool{}
	ruleAttrs := []string{}
	for _, a := range d.Attributes {
		if props.Evaluable(a.Name) {
			evaluable[a.Name] = true
			if len(a.Values) > 1 {
				ruleAttrs = append(ruleAttrs, a.Name)
			}
		}
	}
	opt.Evaluable = func(name string) bool { return evaluable[name] }
	return opt, ruleAttrs
}

// Selection names the mining run a report or export is about: a run by id,
// or the latest run of a snapshot (0: the latest snapshot).
type Selection struct {
	Snapshot int64
	Run      int64
}

// Analysis loads the selected mining run and the snapshot it was made on.
// A run and a snapshot that do not belong together are refused.
func Analysis(ctx context.Context, st *store.Store, sel Selection) (*tenant.Data, *tenant.Run, error) {
	var run *tenant.Run
	var err error
	if sel.Run != 0 {
		if run, err = st.Run(ctx, sel.Run); err != nil {
			return nil, nil, err
		}
		if sel.Snapshot != 0 && sel.Snapshot != run.SnapshotID {
			return nil, nil, fmt.Errorf("mining run %d was made on snapshot %d, not %d", run.ID, run.SnapshotID, sel.Snapshot)
		}
		sel.Snapshot = run.SnapshotID
	}
	snap, err := st.Resolve(ctx, sel.Snapshot)
	if err != nil {
		return nil, nil, err
	}
	if run == nil {
		if run, err = st.LatestRun(ctx, snap.ID); err != nil {
			if errors.Is(err, store.ErrNoRun) {
				return nil, nil, fmt.Errorf("snapshot %d: %w", snap.ID, err)
			}
			return nil, nil, err
		}
	}
	data, err := st.Load(ctx, snap)
	if err != nil {
		return nil, nil, fmt.Errorf("load snapshot %d: %w", snap.ID, err)
	}
	return data, run, nil
}

// Overprovisioning computes the excess-access report.
func Overprovisioning(ctx context.Context, d *tenant.Data, run *tenant.Run, opt report.OverOptions) (*report.Overprovisioning, error) {
	return report.ComputeOverprovisioning(ctx, d, run, opt)
}

// SaveOverprovisioning records an overprovisioning report's findings in
// the store (tables reports and findings), with the options that made it.
func SaveOverprovisioning(ctx context.Context, st *store.Store, run *tenant.Run, opt report.OverOptions, rep *report.Overprovisioning) error {
	findings := make([]store.Finding, 0, len(rep.Findings)+len(rep.Accounts))
	for _, f := range rep.Findings {
		findings = append(findings, store.Finding{Kind: "excess", UserID: f.UserID, ResourceID: f.ResourceID, Role: f.Role,
			PeerGroup: f.PeerGroup, PeerPrevalence: f.PeerPrevalence, Score: f.Score, Reason: f.Reason})
	}
	for _, a := range rep.Accounts {
		findings = append(findings, store.Finding{Kind: a.Kind, UserID: a.UserID, Reason: a.Reason})
	}
	params, _ := json.Marshal(opt)
	if _, err := st.SaveReport(ctx, run.SnapshotID, run.ID, "overprovisioning", string(params), findings); err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	return nil
}

// ReadSoDRules reads a rule file.
func ReadSoDRules(path string) (*report.SoDRules, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return report.ParseSoDRules(path, f)
}

// SoD computes the separation-of-duties report with suggested rules.
// rules may be nil.
func SoD(ctx context.Context, d *tenant.Data, run *tenant.Run, rules *report.SoDRules) (*report.SoD, error) {
	rep, err := report.ComputeSoD(ctx, d, run, rules)
	if err != nil {
		return nil, err
	}
	if rep.Suggested, err = report.SuggestRules(ctx, d, run, rules, report.DefaultSuggestOptions()); err != nil {
		return nil, err
	}
	return rep, nil
}

// SaveSoD records a separation-of-duties report's findings in the store.
func SaveSoD(ctx context.Context, st *store.Store, run *tenant.Run, rep *report.SoD) error {
	var findings []store.Finding
	for _, v := range rep.Violations {
		findings = append(findings, store.Finding{Kind: "violation", UserID: v.UserID, Rule: v.Rule, Severity: v.Severity, Reason: v.Reason})
	}
	for _, c := range rep.PackageConflicts {
		findings = append(findings, store.Finding{Kind: "packageConflict", PackageID: c.PackageID, Rule: c.Rule, Severity: c.Severity, Reason: c.Reason})
	}
	for _, c := range rep.Incompatible {
		findings = append(findings, store.Finding{Kind: "incompatiblePackages", PackageID: c.PackageID, Rule: c.Rule, Severity: c.Severity,
			Reason: "mark " + c.PackageID + " and " + c.OtherID + " incompatible"})
	}
	for _, g := range rep.IncompatibleGroups {
		findings = append(findings, store.Finding{Kind: "incompatibleGroup", PackageID: g.PackageID, ResourceID: g.GroupID, Rule: g.Rule, Severity: g.Severity,
			Reason: "mark " + g.PackageID + " incompatible with the members of group " + g.GroupName})
	}
	for _, s := range rep.Suggested {
		findings = append(findings, store.Finding{Kind: "suggestedRule", ResourceID: s.Left.ResourceID, Role: s.Left.Role,
			Rule: s.Rule.Name, Severity: s.Rule.Severity, Score: s.Lift, Reason: s.Reason})
	}
	if _, err := st.SaveReport(ctx, run.SnapshotID, run.ID, "sod", "{}", findings); err != nil {
		return fmt.Errorf("save report: %w", err)
	}
	return nil
}

// Impact computes what would change if the run's packages replaced
// today's grants.
func Impact(ctx context.Context, d *tenant.Data, run *tenant.Run) (*report.Impact, error) {
	return report.ComputeImpact(ctx, d, run)
}

// Document computes everything the HTML report shows: overprovisioning,
// impact, and separation of duties (rules may be nil: suggestions only).
// It reads the existing packages from st and writes nothing.
func Document(ctx context.Context, st *store.Store, d *tenant.Data, run *tenant.Run, over report.OverOptions, rules *report.SoDRules) (*report.Document, error) {
	doc := &report.Document{Data: d, Run: run}
	var err error
	if doc.Over, err = Overprovisioning(ctx, d, run, over); err != nil {
		return nil, err
	}
	if doc.Impact, err = Impact(ctx, d, run); err != nil {
		return nil, err
	}
	if doc.SoD, err = SoD(ctx, d, run, rules); err != nil {
		return nil, err
	}
	if doc.Attributes, err = mining.RankAttributes(ctx, d.Dataset, mining.DefaultRankOptions()); err != nil {
		return nil, err
	}
	if doc.Existing, err = CompareExisting(ctx, st, d, run); err != nil {
		return nil, err
	}
	return doc, nil
}

// CompareExisting sets the run's packages beside the access packages the
// snapshot found in the tenant.
func CompareExisting(ctx context.Context, st *store.Store, d *tenant.Data, run *tenant.Run) (*report.Comparison, error) {
	existing, err := st.ExistingPackages(ctx, d.Snapshot.ID)
	if err != nil {
		return nil, err
	}
	return report.CompareExisting(d.Snapshot.ID, run, existing), nil
}

// Backtest loads a snapshot (0: the latest) and backtests mining on it
// (report.Backtest) with the options of mine: rules test only the
// attributes Entra evaluates, --by auto takes the best predictor of the
// whole snapshot, and --tune chooses within each split's training users.
// Nothing is written.
func Backtest(ctx context.Context, st *store.Store, snapshotID int64, mo MineOptions, bo report.BacktestOptions) (*report.BacktestResult, error) {
	snap, err := st.Resolve(ctx, snapshotID)
	if err != nil {
		return nil, err
	}
	data, err := st.Load(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("load snapshot %d: %w", snap.ID, err)
	}
	props, err := tenant.NewRuleProperties(mo.RuleAttributes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadRuleAttribute, err)
	}
	if mo.By, err = resolveAttributes(data.Dataset, mo.By); err != nil {
		return nil, err
	}
	// The baselines' attributes, named as the user typed them: an unknown
	// one is an error, not a baseline of nothing.
	for _, a := range []*string{&bo.TitleAttribute, &bo.DepartmentAttribute, &bo.ManagerAttribute} {
		if *a == "" {
			continue
		}
		names, err := resolveAttributes(data.Dataset, []string{*a})
		if err != nil {
			return nil, err
		}
		*a = names[0]
	}
	opt, ruleAttrs := WithRuleProperties(mo.Options, data.Dataset, props)
	if len(opt.By) == 1 && opt.By[0] == "auto" {
		ranks, err := mining.RankAttributes(ctx, data.Dataset, mining.RankOptions{Attributes: ruleAttrs, Pairs: true, Threshold: opt.Threshold,
			MinMembers: max(2, opt.MinMembers), BirthrightThreshold: opt.BirthrightThreshold})
		if err != nil {
			return nil, err
		}
		if len(ranks) == 0 || ranks[0].F1 == 0 {
			return nil, noPredictor("--by auto", data.Dataset, ruleAttrs)
		}
		opt.By = ranks[0].Attributes
	}
	if mo.Tune && len(ruleAttrs) == 0 {
		// Nothing to choose among in any split: say so, as mine --tune does,
		// rather than score the options as given.
		return nil, noPredictor("--tune", data.Dataset, ruleAttrs)
	}
	bo.Mining, bo.Tune, bo.TuneAttributes = opt, mo.Tune, ruleAttrs
	return report.Backtest(ctx, data, bo)
}
