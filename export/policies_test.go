package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/tfschema"
	"github.com/rolemine/rolemine/tenant"
)

const fullPolicies = `version: 1
defaults:
  expiration: {days: 365}
rules:
  - match: {kinds: [jobFunction]}
    requestors: employees
    questions:
      - {text: "Which project?", required: true}
  - match: {packages: [controller-finance]}
    requestors: guests
    approval:
      requestorJustification: true
      stages:
        - {approvers: [manager], timeoutDays: 5}
        - {approvers: ["group:99999999-9999-4999-8999-999999999999", "user:88888888-8888-4888-8888-888888888888"]}
    review: {frequency: monthly, reviewers: [self], removeIfNotReviewed: true}
`

func readPolicies(t *testing.T, text string) (*PolicyFile, error) {
	t.Helper()
	return ReadPolicyFile("policies.yaml", strings.NewReader(text))
}

func TestPolicySettings(t *testing.T) {
	f, err := readPolicies(t, fullPolicies)
	require.NoError(t, err)
	pkgs := map[string]tenant.Package{}
	for _, p := range packages() {
		pkgs[p.ID] = p
	}
	// Without a file: the built-in defaults by sensitivity.
	var none *PolicyFile
	require.Equal(t, PolicySettings{}, none.Settings(pkgs["payroll-clerk-finance"]), "standard access: nothing")
	ctl := none.Settings(pkgs["controller-finance"])
	require.Equal(t, Sensitivity("privileged"), SensitivityOf(pkgs["controller-finance"]))
	require.Equal(t, []Subject{Manager}, ctl.Approval.Stages[0].Approvers, "privileged access: the manager approves requests")
	require.Equal(t, Frequency("quarterly"), ctl.Review.Frequency, "and reviews it quarterly")

	// With the file: defaults, then the rules in order.
	pay := f.Settings(pkgs["payroll-clerk-finance"])
	require.Equal(t, &Expiration{Days: 365}, pay.Expiration)
	require.Equal(t, Requestors("employees"), pay.Requestors)
	require.Equal(t, []Question{{Text: "Which project?", Required: true}}, pay.Questions)
	require.Nil(t, pay.Review)
	ctl = f.Settings(pkgs["controller-finance"])
	require.Equal(t, Requestors("guests"), ctl.Requestors, "the later rule wins")
	require.Len(t, ctl.Approval.Stages, 2)
	require.Equal(t, []Question{{Text: "Which project?", Required: true}}, ctl.Questions, "kept from the earlier rule")
	require.Equal(t, &Review{Frequency: "monthly", Reviewers: []Subject{Self}, RemoveIfNotReviewed: true}, ctl.Review)
}

func TestPolicyFileErrors(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"bad approver", "version: 1\nrules:\n  - match: {kinds: [jobFunction]}\n    approval:\n      stages:\n        - approvers: [boss]\n",
			`policies.yaml: line 6: "boss" is not an approver or reviewer (use manager, self, user:<object id> or group:<object id>)`},
		{"bad frequency", "version: 1\ndefaults:\n  review:\n    frequency: weekly\n    reviewers: [manager]\n",
			`policies.yaml: line 4: "weekly" is not a review frequency (use monthly, quarterly, halfYearly or annual)`},
		{"bad requestors", "version: 1\ndefaults:\n  requestors: all\n",
			`policies.yaml: line 3: "all" is not a set of requestors`},
		{"bad kind", "version: 1\nrules:\n  - match:\n      kinds: [squad]\n",
			`policies.yaml: line 4: "squad" is not a kind of package`},
		{"unknown field", "version: 1\ndefaults:\n  expirations: {days: 3}\n",
			`policies.yaml: line 3: field expirations not found (use approval, expiration, review, questions, requestors)`},
		{"self approval", "version: 1\ndefaults:\n  approval:\n    stages:\n      - approvers: [self]\n",
			`policies.yaml: line 5: a requestor cannot approve their own request (self)`},
		{"long timeout", "version: 1\nrules:\n  - match: {sensitivity: privileged}\n    approval:\n      stages:\n        - {approvers: [manager], timeoutDays: 30}\n",
			`policies.yaml: line 6: timeoutDays 30 is not in [1, 14] (Entra allows up to 14 days)`},
		{"both expirations", "version: 1\ndefaults:\n  expiration: {days: 30, never: true}\n",
			`policies.yaml: line 3: an expiration gives days (1 to 3650) or never: true`},
		{"match everything", "version: 1\nrules:\n  - requestors: employees\n",
			`policies.yaml: line 3: the rule matches every package: give it a match, or put its settings under defaults`},
		{"unknown field in a rule", "version: 1\nrules:\n  - match: {kinds: [variant]}\n    reviw: {frequency: annual}\n",
			`policies.yaml: line 4: field reviw not found (use match, approval, expiration, review, questions, requestors)`},
		{"unknown field in a stage", "version: 1\ndefaults:\n  approval:\n    stages:\n      - {approvers: [manager], timeout: 3}\n",
			`policies.yaml: line 5: field timeout not found (use approvers, timeoutDays)`},
		{"question without text", "version: 1\ndefaults:\n  questions:\n    - {required: true}\n",
			`policies.yaml: line 4: a question needs a text`},
		{"version", "version: 2\n", `policies.yaml: field "version": unsupported version 2`},
		{"syntax", "version: 1\ndefaults:\n  questions: [{text: a\n", `policies.yaml: line 3: not valid YAML`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readPolicies(t, tc.text)
			var ie *tenant.InputError
			require.True(t, errors.As(err, &ie), "%v", err)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestTerraformPolicySettings: the settings the azuread provider supports
// are in its arguments, which its schema accepts.
func TestTerraformPolicySettings(t *testing.T) {
	f, err := readPolicies(t, fullPolicies)
	require.NoError(t, err)
	schema, err := tfschema.AzureAD()
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteTerraform(&buf, packages(), Options{CatalogName: "Finance roles", Policies: f}))
	require.Empty(t, tfschema.Check(buf.Bytes(), "access-packages.tf", schema), buf.String())
	out := buf.String()
	for _, want := range []string{
		`duration_in_days  = 365`,
		`display_name      = "Request: Controller / Finance"`,
		`scope_type        = "AllExternalSubjects"`,
		`scope_type        = "AllExistingDirectoryMemberUsers"`,
		`requestor_justification_required = true`,
		`approval_timeout_in_days        = 5`,
		`approval_timeout_in_days        = 14`,
		`subject_type = "requestorManager"`,
		`subject_type = "groupMembers"`,
		`object_id    = "99999999-9999-4999-8999-999999999999"`,
		`subject_type = "singleUser"`,
		`review_frequency                = "monthly"`,
		`review_type                     = "Self"`,
		`access_review_timeout_behavior  = "removeAccess"`,
		`default_text = "Which project?"`,
	} {
		require.Contains(t, out, want)
	}
}

// TestPolicySettingsInPowerShell: the script sends the same bodies.
func TestPolicySettingsInPowerShell(t *testing.T) {
	f, err := readPolicies(t, fullPolicies)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WritePowerShell(&buf, BuildPlan(packages(), PlanOptions{Policies: f})))
	out := buf.String()
	for _, want := range []string{`"allowedTargetScope":"allExternalUsers"`, `"durationBeforeAutomaticDenial":"P5D"`,
		`"@odata.type":"#microsoft.graph.groupMembers","groupId":"99999999-9999-4999-8999-999999999999"`,
		`"isSelfReview":true`, `"text":"Which project?"`, `"duration":"P365D"`, `-Id 'policy:controller-finance:request'`} {
		require.Contains(t, out, want)
	}
}

// FuzzReadPolicyFile: any input is a policy file or an InputError naming
// the file; nothing panics, and what is read has valid settings.
func FuzzReadPolicyFile(f *testing.F) {
	f.Add(fullPolicies)
	f.Add("version: 1\ndefaults:\n  expiration: {never: true}\n")
	f.Add("version: 1\nrules:\n  - match: {sensitivity: privileged}\n    approval: {stages: [{approvers: [manager]}]}\n")
	f.Fuzz(func(t *testing.T, text string) {
		pf, err := ReadPolicyFile("p.yaml", strings.NewReader(text))
		if err != nil {
			var ie *tenant.InputError
			require.True(t, errors.As(err, &ie), "%T %v", err, err)
			require.Equal(t, "p.yaml", ie.File)
			return
		}
		for _, p := range packages() {
			s := pf.Settings(p)
			if s.Approval != nil {
				for _, st := range s.Approval.Stages {
					require.NotEmpty(t, st.Approvers)
					require.LessOrEqual(t, st.TimeoutDays, 14)
				}
			}
		}
	})
}

// TestTerraformCatalogs: a department's packages go to its catalog, with
// the groups they use associated with it; the output fits the schema.
func TestTerraformCatalogs(t *testing.T) {
	f, err := readPolicies(t, "version: 1\ncatalogs:\n  - {name: Finance access, departments: [Finance], owners: [\"user:88888888-8888-4888-8888-888888888888\"]}\n")
	require.NoError(t, err)
	pkgs := packages()
	pkgs[0].Conditions = []tenant.Condition{{Attribute: "department", Values: []string{"Finance"}}}
	require.Equal(t, "Finance access", f.CatalogFor(pkgs[0]).Name)
	require.Nil(t, f.CatalogFor(pkgs[1]), "a package whose rule selects no department stays in the plan's catalog")
	schema, err := tfschema.AzureAD()
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteTerraform(&buf, pkgs, Options{CatalogName: "Everyone", Policies: f}))
	require.Empty(t, tfschema.Check(buf.Bytes(), "access-packages.tf", schema), buf.String())
	out := buf.String()
	require.Contains(t, out, "# Catalog Finance access; its Catalog owners (user:88888888-8888-4888-8888-888888888888) are assigned by graph-plan.json")
	require.Contains(t, out, "catalog_id   = azuread_access_package_catalog.catalog_finance_access.id")
	require.Contains(t, out, "catalog_id             = azuread_access_package_catalog.catalog_finance_access.id")

	p := BuildPlan(pkgs, PlanOptions{CatalogName: "Everyone", Policies: f})
	ids := map[string]bool{}
	for _, st := range p.Steps {
		ids[st.ID] = true
	}
	require.True(t, ids["catalog:Finance access"])
	require.True(t, ids["catalogOwner:Finance access:88888888-8888-4888-8888-888888888888"])
	defs := BuildDefinitions(pkgs, Options{Policies: f})
	require.Equal(t, "Finance access", defs.Packages[0].Catalog)
}
