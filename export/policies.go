package export

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rolemine/rolemine/internal/yamlfile"
	"github.com/rolemine/rolemine/tenant"
)

// A policy file (docs/policies.md) sets what the packages' assignment
// policies carry: approval, expiration, access reviews, requestor
// questions and who may request, globally and per package, kind of package
// or sensitivity. Without one, the defaults follow Microsoft's guidance by
// sensitivity: a package that grants privileged access is reviewed
// quarterly by the users' managers, and requests for it need the manager's
// approval.

// PolicyFile is a policy file: Defaults for every package, then Rules in
// order, a later rule's settings replacing an earlier one's.
type PolicyFile struct {
	Version  int            `yaml:"version"`
	Defaults PolicySettings `yaml:"defaults"`
	Rules    []PolicyRule   `yaml:"rules"`
	// Catalogs put the packages of departments in catalogs of their own,
	// with delegated owners; other packages stay in the plan's catalog.
	Catalogs []CatalogSpec `yaml:"catalogs"`
}

// CatalogSpec is a catalog for the packages of some departments (those
// whose rule selects one of Departments), owned by Owners
// (user:<object id> or group:<object id>): the catalog owners that
// Microsoft's guidance delegates a department's packages to.
type CatalogSpec struct {
	Name        string    `yaml:"name"`
	Departments []string  `yaml:"departments"`
	Owners      []Subject `yaml:"owners"`
}

// UnmarshalYAML checks a catalog: a name, departments, and owners that are
// users or groups.
func (c *CatalogSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain CatalogSpec
	var p plain
	if err := yamlfile.Strict(n, &p, "name", "departments", "owners"); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(p.Name) == "":
		return fmt.Errorf("line %d: a catalog needs a name", n.Line)
	case len(p.Departments) == 0:
		return fmt.Errorf("line %d: catalog %q needs the departments whose packages it holds", n.Line, p.Name)
	}
	for _, o := range p.Owners {
		if o == Manager || o == Self {
			return fmt.Errorf("line %d: catalog %q: an owner is user:<object id> or group:<object id>, not %s", n.Line, p.Name, o)
		}
	}
	*c = CatalogSpec(p)
	return nil
}

// CatalogFor returns the catalog spec for a package: the first whose
// departments hold the one department the package's rule selects; nil for
// the plan's own catalog.
func (f *PolicyFile) CatalogFor(p tenant.Package) *CatalogSpec {
	if f == nil {
		return nil
	}
	var dept string
	for _, c := range p.Conditions {
		if strings.EqualFold(c.Attribute, "department") && len(c.Values) == 1 {
			dept = c.Values[0]
		}
	}
	if dept == "" {
		return nil
	}
	for i := range f.Catalogs {
		for _, d := range f.Catalogs[i].Departments {
			if strings.EqualFold(strings.TrimSpace(d), strings.TrimSpace(dept)) {
				return &f.Catalogs[i]
			}
		}
	}
	return nil
}

// PolicyRule gives its settings to the packages it matches.
type PolicyRule struct {
	Match          PolicyMatch `yaml:"match"`
	PolicySettings `yaml:",inline"`
}

// PolicyMatch selects packages: by id, by kind, by sensitivity; every
// criterion given must hold.
type PolicyMatch struct {
	Packages    []string    `yaml:"packages,omitempty"`
	Kinds       []Kind      `yaml:"kinds,omitempty"`
	Sensitivity Sensitivity `yaml:"sensitivity,omitempty"`
}

// PolicySettings are the settings a policy file sets; a field left out
// keeps what an earlier rule, the defaults or the built-in defaults set.
type PolicySettings struct {
	Approval   *Approval   `yaml:"approval,omitempty" json:"approval,omitempty"`
	Expiration *Expiration `yaml:"expiration,omitempty" json:"expiration,omitempty"`
	Review     *Review     `yaml:"review,omitempty" json:"review,omitempty"`
	Questions  []Question  `yaml:"questions,omitempty" json:"questions,omitempty"`
	// Requestors may ask for the package themselves (a request policy):
	// none (the default), employees, guests, connectedOrganizations or
	// everyone.
	Requestors Requestors `yaml:"requestors,omitempty" json:"requestors,omitempty"`
}

// Approval is the approval a request needs, stage by stage.
type Approval struct {
	Stages []ApprovalStage `yaml:"stages" json:"stages"`
	// RequestorJustification asks the requestor why.
	RequestorJustification bool `yaml:"requestorJustification,omitempty" json:"requestorJustification,omitempty"`
}

// ApprovalStage is one stage of approval.
type ApprovalStage struct {
	Approvers []Subject `yaml:"approvers" json:"approvers"`
	// TimeoutDays before an undecided request is denied (default 14).
	TimeoutDays int `yaml:"timeoutDays,omitempty" json:"timeoutDays,omitempty"`
}

// Expiration ends an assignment after Days, or Never.
type Expiration struct {
	Days  int  `yaml:"days,omitempty" json:"days,omitempty"`
	Never bool `yaml:"never,omitempty" json:"never,omitempty"`
}

// Review is a recurring access review of the assignments.
type Review struct {
	Frequency Frequency `yaml:"frequency" json:"frequency"`
	// Reviewers: manager, self, user:<id> or group:<id>.
	Reviewers []Subject `yaml:"reviewers" json:"reviewers"`
	// DurationDays a review stays open (default 14).
	DurationDays int `yaml:"durationDays,omitempty" json:"durationDays,omitempty"`
	// RemoveIfNotReviewed removes access nobody confirmed.
	RemoveIfNotReviewed bool `yaml:"removeIfNotReviewed,omitempty" json:"removeIfNotReviewed,omitempty"`
}

// Question is asked of a requestor.
type Question struct {
	Text     string `yaml:"text" json:"text"`
	Required bool   `yaml:"required,omitempty" json:"required,omitempty"`
}

// Subject names an approver or reviewer: manager, self (reviews only),
// user:<object id> or group:<object id>.
type Subject string

// Kinds of subject.
const (
	Manager Subject = "manager"
	Self    Subject = "self"
)

// User and Group split a subject into its kind and object id.
func (s Subject) split() (kind, id string) {
	k, id, _ := strings.Cut(string(s), ":")
	return k, id
}

// UnmarshalYAML checks a subject where it is written.
func (s *Subject) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	k, id, ok := strings.Cut(v, ":")
	switch {
	case v == string(Manager), v == string(Self):
	case ok && (k == "user" || k == "group") && id != "":
	default:
		return fmt.Errorf("line %d: %q is not an approver or reviewer (use manager, self, user:<object id> or group:<object id>)", n.Line, v)
	}
	*s = Subject(v)
	return nil
}

// Frequency of a review.
type Frequency string

var frequencies = map[Frequency]int{"monthly": 1, "quarterly": 3, "halfYearly": 6, "annual": 12} // months

// UnmarshalYAML checks a frequency where it is written.
func (f *Frequency) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	if _, ok := frequencies[Frequency(v)]; !ok {
		return fmt.Errorf("line %d: %q is not a review frequency (use monthly, quarterly, halfYearly or annual)", n.Line, v)
	}
	*f = Frequency(v)
	return nil
}

// Requestors who may ask for a package.
type Requestors string

// allowedTargetScope maps requestors to Graph's accessPackageAssignmentPolicy
// allowedTargetScope (Graph v1.0, allowedTargetScope enumeration).
var allowedTargetScope = map[Requestors]string{"employees": "allMemberUsers", "guests": "allExternalUsers",
	"connectedOrganizations": "allConfiguredConnectedOrganizationUsers", "everyone": "allDirectoryUsers"}

// UnmarshalYAML checks requestors where they are written.
func (r *Requestors) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	if _, ok := allowedTargetScope[Requestors(v)]; !ok && v != "none" {
		return fmt.Errorf("line %d: %q is not a set of requestors (use none, employees, guests, connectedOrganizations or everyone)", n.Line, v)
	}
	*r = Requestors(v)
	return nil
}

// Kind is a kind of package in a rule's match.
type Kind string

// UnmarshalYAML checks a kind where it is written.
func (k *Kind) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	if !slices.Contains(tenant.Kinds, tenant.Kind(v)) {
		return fmt.Errorf("line %d: %q is not a kind of package (use birthright, jobFunction, variant or cluster)", n.Line, v)
	}
	*k = Kind(v)
	return nil
}

// Sensitivity of a package: privileged when it grants a privileged role
// (tenant.SensitiveRole), else standard.
type Sensitivity string

// UnmarshalYAML checks a sensitivity where it is written.
func (s *Sensitivity) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	if v != "privileged" && v != "standard" {
		return fmt.Errorf("line %d: %q is not a sensitivity (use privileged or standard)", n.Line, v)
	}
	*s = Sensitivity(v)
	return nil
}

// ReadPolicyFile reads and checks a policy file; name is used in errors,
// which are *tenant.InputError with the line at fault.
func ReadPolicyFile(name string, r io.Reader) (*PolicyFile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var f PolicyFile
	if err := yamlfile.Decode(name, data, &f); err != nil {
		return nil, err
	}
	if f.Version != 1 {
		return nil, &tenant.InputError{File: name, Field: "version", Msg: fmt.Sprintf("unsupported version %d (this rolemine reads version 1)", f.Version)}
	}
	seen := map[string]bool{}
	for _, c := range f.Catalogs {
		if seen[strings.ToLower(c.Name)] {
			return nil, &tenant.InputError{File: name, Field: "catalogs", Msg: fmt.Sprintf("two catalogs are named %q", c.Name)}
		}
		seen[strings.ToLower(c.Name)] = true
	}
	return &f, nil
}

var settingKeys = []string{"approval", "expiration", "review", "questions", "requestors"}

// UnmarshalYAML checks a rule: it must match something.
func (r *PolicyRule) UnmarshalYAML(n *yaml.Node) error {
	// The settings inline, without PolicySettings' own check of its keys.
	type settings PolicySettings
	var p struct {
		Match    PolicyMatch `yaml:"match"`
		settings `yaml:",inline"`
	}
	if err := yamlfile.Strict(n, &p, append([]string{"match"}, settingKeys...)...); err != nil {
		return err
	}
	if m := p.Match; len(m.Packages) == 0 && len(m.Kinds) == 0 && m.Sensitivity == "" {
		return fmt.Errorf("line %d: the rule matches every package: give it a match, or put its settings under defaults", n.Line)
	}
	*r = PolicyRule{Match: p.Match, PolicySettings: PolicySettings(p.settings)}
	return nil
}

// UnmarshalYAML checks the keys of a match.
func (m *PolicyMatch) UnmarshalYAML(n *yaml.Node) error {
	type plain PolicyMatch
	return yamlfile.Strict(n, (*plain)(m), "packages", "kinds", "sensitivity")
}

// UnmarshalYAML checks the keys of settings.
func (s *PolicySettings) UnmarshalYAML(n *yaml.Node) error {
	type plain PolicySettings
	return yamlfile.Strict(n, (*plain)(s), settingKeys...)
}

// UnmarshalYAML checks the keys of an approval.
func (a *Approval) UnmarshalYAML(n *yaml.Node) error {
	type plain Approval
	return yamlfile.Strict(n, (*plain)(a), "stages", "requestorJustification")
}

// UnmarshalYAML checks a stage: approvers, none of them the requestor, and
// Entra's limit of 14 days.
func (st *ApprovalStage) UnmarshalYAML(n *yaml.Node) error {
	type plain ApprovalStage
	var p plain
	if err := yamlfile.Strict(n, &p, "approvers", "timeoutDays"); err != nil {
		return err
	}
	switch {
	case len(p.Approvers) == 0:
		return fmt.Errorf("line %d: an approval stage needs at least one approver", n.Line)
	case slices.Contains(p.Approvers, Self):
		return fmt.Errorf("line %d: a requestor cannot approve their own request (self)", n.Line)
	case p.TimeoutDays < 0 || p.TimeoutDays > 14:
		return fmt.Errorf("line %d: timeoutDays %d is not in [1, 14] (Entra allows up to 14 days)", n.Line, p.TimeoutDays)
	}
	*st = ApprovalStage(p)
	return nil
}

// UnmarshalYAML checks an expiration: days or never.
func (e *Expiration) UnmarshalYAML(n *yaml.Node) error {
	type plain Expiration
	var p plain
	if err := yamlfile.Strict(n, &p, "days", "never"); err != nil {
		return err
	}
	if p.Never == (p.Days != 0) || p.Days < 0 || p.Days > 3650 {
		return fmt.Errorf("line %d: an expiration gives days (1 to 3650) or never: true", n.Line)
	}
	*e = Expiration(p)
	return nil
}

// UnmarshalYAML checks a review: a frequency, reviewers, and how long it
// stays open.
func (r *Review) UnmarshalYAML(n *yaml.Node) error {
	type plain Review
	var p plain
	if err := yamlfile.Strict(n, &p, "frequency", "reviewers", "durationDays", "removeIfNotReviewed"); err != nil {
		return err
	}
	switch {
	case p.Frequency == "" || len(p.Reviewers) == 0:
		return fmt.Errorf("line %d: a review needs a frequency and reviewers", n.Line)
	case p.DurationDays < 0 || p.DurationDays > 180:
		return fmt.Errorf("line %d: durationDays %d is not in [1, 180]", n.Line, p.DurationDays)
	}
	*r = Review(p)
	return nil
}

// UnmarshalYAML checks a question: it has a text.
func (q *Question) UnmarshalYAML(n *yaml.Node) error {
	type plain Question
	var p plain
	if err := yamlfile.Strict(n, &p, "text", "required"); err != nil {
		return err
	}
	if strings.TrimSpace(p.Text) == "" {
		return fmt.Errorf("line %d: a question needs a text", n.Line)
	}
	*q = Question(p)
	return nil
}

// SensitivityOf is a package's sensitivity.
func SensitivityOf(p tenant.Package) Sensitivity {
	for _, e := range p.Entitlements {
		if tenant.SensitiveRole(e.Role) {
			return "privileged"
		}
	}
	return "standard"
}

// builtIn are the defaults before any file: Microsoft's guidance for
// access that grants privileges is approval of requests and regular
// reviews (Microsoft Learn, "Plan a Microsoft Entra access reviews
// deployment": review privileged access more often).
func builtIn(s Sensitivity) PolicySettings {
	if s != "privileged" {
		return PolicySettings{}
	}
	return PolicySettings{
		Approval: &Approval{Stages: []ApprovalStage{{Approvers: []Subject{Manager}, TimeoutDays: 14}}, RequestorJustification: true},
		Review:   &Review{Frequency: "quarterly", Reviewers: []Subject{Manager}, DurationDays: 14},
	}
}

// over returns s with the settings o sets.
func (s PolicySettings) over(o PolicySettings) PolicySettings {
	if o.Approval != nil {
		s.Approval = o.Approval
	}
	if o.Expiration != nil {
		s.Expiration = o.Expiration
	}
	if o.Review != nil {
		s.Review = o.Review
	}
	if o.Questions != nil {
		s.Questions = o.Questions
	}
	if o.Requestors != "" {
		s.Requestors = o.Requestors
	}
	return s
}

// Settings returns the settings that apply to p: the built-in defaults for
// its sensitivity, the file's defaults, then every rule that matches it.
// f may be nil.
func (f *PolicyFile) Settings(p tenant.Package) PolicySettings {
	sens := SensitivityOf(p)
	s := builtIn(sens)
	if f == nil {
		return s
	}
	s = s.over(f.Defaults)
	for _, r := range f.Rules {
		m := r.Match
		if (len(m.Packages) == 0 || slices.Contains(m.Packages, p.ID)) &&
			(len(m.Kinds) == 0 || slices.Contains(m.Kinds, Kind(p.Kind))) &&
			(m.Sensitivity == "" || m.Sensitivity == sens) {
			s = s.over(r.PolicySettings)
		}
	}
	return s
}

// requestable reports whether the settings call for a request policy.
func (s PolicySettings) requestable() bool { return s.Requestors != "" && s.Requestors != "none" }

// The Graph bodies (accessPackageAssignmentPolicy, v1.0).

// subjectSet is a Graph subjectSet for an approver or reviewer.
func subjectSet(s Subject) map[string]any {
	switch k, id := s.split(); k {
	case "user":
		return map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": id}
	case "group":
		return map[string]any{"@odata.type": "#microsoft.graph.groupMembers", "groupId": id}
	}
	return map[string]any{"@odata.type": "#microsoft.graph.requestorManager", "managerLevel": 1}
}

func days(n, def int) string {
	if n == 0 {
		n = def
	}
	return fmt.Sprintf("P%dD", n)
}

// expirationBody is a policy's expiration.
func expirationBody(e *Expiration) map[string]any {
	if e == nil || e.Never {
		return map[string]any{"type": "noExpiration"}
	}
	return map[string]any{"type": "afterDuration", "duration": days(e.Days, 0)}
}

// reviewBody is a policy's reviewSettings.
func reviewBody(r *Review) map[string]any {
	behavior := "keepAccess"
	if r.RemoveIfNotReviewed {
		behavior = "removeAccess"
	}
	body := map[string]any{"isEnabled": true, "expirationBehavior": behavior, "isRecommendationEnabled": true,
		"isReviewerJustificationRequired": true, "isSelfReview": slices.Contains(r.Reviewers, Self),
		"schedule": map[string]any{
			"expiration": map[string]any{"type": "afterDuration", "duration": days(r.DurationDays, 14)},
			"recurrence": map[string]any{"pattern": map[string]any{"type": "absoluteMonthly", "interval": frequencies[r.Frequency]},
				"range": map[string]any{"type": "noEnd"}}}}
	reviewers := []any{}
	for _, s := range r.Reviewers {
		if s != Self {
			reviewers = append(reviewers, subjectSet(s))
		}
	}
	body["primaryReviewers"] = reviewers
	return body
}

// approvalBody is a request policy's requestApprovalSettings.
func approvalBody(a *Approval) map[string]any {
	if a == nil || len(a.Stages) == 0 {
		return map[string]any{"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []any{}}
	}
	stages := []any{}
	for _, st := range a.Stages {
		approvers := []any{}
		for _, s := range st.Approvers {
			approvers = append(approvers, subjectSet(s))
		}
		stages = append(stages, map[string]any{"durationBeforeAutomaticDenial": days(st.TimeoutDays, 14),
			"isApproverJustificationRequired": true, "isEscalationEnabled": false, "primaryApprovers": approvers})
	}
	return map[string]any{"isApprovalRequiredForAdd": true, "isApprovalRequiredForUpdate": true,
		"isRequestorJustificationRequired": a.RequestorJustification, "stages": stages}
}

// questionsBody is a request policy's questions (in v1.0 a question's text is a string; accessPackageQuestion).
func questionsBody(qs []Question) []any {
	out := []any{}
	for i, q := range qs {
		out = append(out, map[string]any{"@odata.type": "#microsoft.graph.accessPackageTextInputQuestion",
			"isRequired": q.Required, "isSingleLineQuestion": false, "sequence": i + 1, "text": q.Text})
	}
	return out
}

// Summary says in a few words what the settings do: who may request, the
// approval, the review and the expiration.
func (s PolicySettings) Summary() string {
	var parts []string
	if s.requestable() {
		req := "requestable by " + string(s.Requestors)
		if a := s.Approval; a != nil && len(a.Stages) > 0 {
			var stages []string
			for _, st := range a.Stages {
				names := make([]string, len(st.Approvers))
				for i, ap := range st.Approvers {
					names[i] = string(ap)
				}
				stages = append(stages, strings.Join(names, " or "))
			}
			req += ", approved by " + strings.Join(stages, ", then ")
		} else {
			req += " without approval"
		}
		parts = append(parts, req)
	}
	if r := s.Review; r != nil {
		names := make([]string, len(r.Reviewers))
		for i, rv := range r.Reviewers {
			names[i] = string(rv)
		}
		parts = append(parts, fmt.Sprintf("%s review by %s", r.Frequency, strings.Join(names, " and ")))
	}
	if e := s.Expiration; e != nil && !e.Never {
		parts = append(parts, fmt.Sprintf("expires after %d days", e.Days))
	}
	if len(parts) == 0 {
		return "no approval, review or expiration"
	}
	return strings.Join(parts, "; ")
}
