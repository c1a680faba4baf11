package apply

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/graph/graphclient"
	"github.com/rolemine/rolemine/graph/graphfake"
	"github.com/rolemine/rolemine/tenant"
)

var (
	groupID = graphfake.GUID("group", "payroll")
	ownerG  = graphfake.GUID("group", "treasury")
	spID    = graphfake.GUID("sp", "sap")
	siteURL = "https://contoso.sharepoint.com/sites/Finance"
)

// packages are three proposals over a group, an app role and a site, with
// names that need escaping.
func packages() []tenant.Package {
	ents := func(es ...tenant.PackageEntitlement) []tenant.PackageEntitlement { return es }
	group := tenant.PackageEntitlement{ResourceID: groupID, Role: "Member", ResourceType: "group", ResourceName: "SG-Payroll"}
	owner := tenant.PackageEntitlement{ResourceID: ownerG, Role: "Owner", ResourceType: "group", ResourceName: "Treasury \"Admins\""}
	app := tenant.PackageEntitlement{ResourceID: spID, Role: "AP.Clerk", ResourceType: "application", ResourceName: "SAP S/4HANA"}
	site := tenant.PackageEntitlement{ResourceID: siteURL, Role: "Edit", ResourceType: "site", ResourceName: "Finance"}
	return []tenant.Package{
		{ID: "birthright", Name: "Birthright", Kind: "birthright", Automatic: true, Rule: `(user.accountEnabled -eq true)`, Entitlements: ents(group)},
		{ID: "payroll-clerk-finance", Name: `Payroll "Clerk" / Finance & Co's`, Kind: "jobFunction", Automatic: true,
			Rule: `(user.jobTitle -eq "Payroll Clerk") -and (user.department -eq "Finance")`, Entitlements: ents(app, site),
			Metrics: tenant.Metrics{RuleUsers: 12}},
		{ID: "controller-finance", Name: "Controller / Finance", Kind: "jobFunction", Automatic: false, Entitlements: ents(owner, app)},
	}
}

func plan() *export.Plan {
	return export.BuildPlan(packages(), export.PlanOptions{CatalogName: "Finance 'roles'", Incompatible: []export.Incompatibility{
		{PackageID: "payroll-clerk-finance", OtherID: "controller-finance"}, {PackageID: "controller-finance", OtherID: "payroll-clerk-finance"},
		{PackageID: "payroll-clerk-finance", GroupID: ownerG}}, Policies: policies()})
}

// policies set every setting a policy file has: the controller package
// (privileged: Owner) is requestable by employees with two approval
// stages, questions, an expiration and a self review.
func policies() *export.PolicyFile {
	f, err := export.ReadPolicyFile("policies.yaml", strings.NewReader(`version: 1
defaults:
  expiration: {never: true}
rules:
  - match: {sensitivity: privileged}
    requestors: employees
    approval:
      requestorJustification: true
      stages:
        - approvers: [manager]
          timeoutDays: 7
        - approvers: ["group:`+ownerG+`", "user:`+graphfake.GUID("user", "ciso")+`"]
    expiration: {days: 180}
    review: {frequency: halfYearly, reviewers: [self, "group:`+ownerG+`"], durationDays: 21, removeIfNotReviewed: true}
    questions:
      - {text: "Which cost centre?", required: true}
      - {text: "Anything else?"}
`))
	if err != nil {
		panic(err)
	}
	return f
}

func fakeTenant() *graphfake.Tenant {
	return &graphfake.Tenant{
		Groups: []graphfake.Group{{ID: groupID, DisplayName: "SG-Payroll"}, {ID: ownerG, DisplayName: "Treasury \"Admins\""}},
		ServicePrincipals: []graphfake.ServicePrincipal{{ID: spID, AppID: graphfake.GUID("app", "sap"), DisplayName: "SAP S/4HANA",
			AppRoles: []graphfake.AppRole{{ID: graphfake.GUID("role", "clerk"), Value: "AP.Clerk", DisplayName: "Accounts payable clerk"},
				{ID: graphfake.GUID("role", "gl"), Value: "GL.Post", DisplayName: "General ledger poster"}}}},
	}
}

// TestEveryPlanBodyFitsTheSDKModels decodes every request body of the plan
// into the msgraph-sdk-go model of its endpoint; serialised again, it is
// the same JSON.
func TestEveryPlanBodyFitsTheSDKModels(t *testing.T) {
	p := plan()
	posts := 0
	for _, st := range p.Steps {
		if st.Method != "POST" {
			continue
		}
		posts++
		raw, err := json.Marshal(st.Body)
		require.NoError(t, err)
		filled := placeholder.ReplaceAllString(string(raw), graphfake.GUID("placeholder"))
		out, err := Serialize(st.Path, []byte(filled))
		require.NoError(t, err, "step %s", st.ID)
		var want, got any
		require.NoError(t, json.Unmarshal([]byte(filled), &want))
		require.NoError(t, json.Unmarshal(out, &got))
		// The SDK writes durations its own way (P14D as P2W).
		require.Equal(t, canonical(want), canonical(got), "step %s: the SDK model keeps every property", st.ID)
	}
	require.Greater(t, posts, 10)
	_, err := Decode("/identityGovernance/entitlementManagement/accessPackages", []byte(`{"displayName":"x","colour":"red"}`))
	require.ErrorContains(t, err, `"colour" is not a property of the model`)
	_, err = Decode("/identityGovernance/entitlementManagement/accessPackages", []byte(`{"displayName":`))
	require.Error(t, err)
}

func newClient(t *testing.T, srv *graphfake.Server) *graphclient.Client {
	c, err := graphclient.New(context.Background(), graphclient.Options{BaseURL: srv.URL + "/v1.0", MaxRetries: 3})
	require.NoError(t, err)
	return c
}

// requireOneOfEach checks that the server holds exactly what the plan
// creates.
func requireOneOfEach(t *testing.T, srv *graphfake.Server) {
	t.Helper()
	require.Equal(t, 1, srv.Created("catalogs"))
	require.Equal(t, 4, srv.Created("resources"), "the two groups, the app and the site, each once")
	require.Equal(t, 3, srv.Created("packages"))
	require.Equal(t, 5, srv.Created("scopes"))
	require.Equal(t, 6, srv.Created("policies"), "an automatic and a direct policy for each automatic package, a direct one for the other, and a request policy for the privileged one")
	require.Equal(t, 2, srv.Created("incompatibles"))
	require.Equal(t, 1, srv.Created("incompatibleGroups"))
}

func TestDryRunThenApplyThenNothing(t *testing.T) {
	srv := graphfake.New(fakeTenant())
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	p := plan()

	var lines []string
	res, err := Apply(ctx, c, p, Options{Report: func(l string) { lines = append(lines, l) }})
	require.NoError(t, err)
	require.Empty(t, srv.Writes(), "a dry run writes nothing")
	require.Equal(t, len(p.Steps), res.Steps)
	require.Zero(t, res.Outcomes[Created])
	require.Positive(t, res.Outcomes[WouldCreate])
	require.Contains(t, strings.Join(lines, "\n"), "would create Create the catalog Finance 'roles'")

	res, err = Apply(ctx, c, p, Options{Yes: true})
	require.NoError(t, err)
	requireOneOfEach(t, srv)
	require.Equal(t, res.Outcomes[Created], len(srv.Writes()))
	// An app role is granted by its id; in the catalog it shows the app
	// role's display name, not the value assignments carry.
	var appRoles []any
	for _, sc := range srv.RoleScopes()["Controller / Finance"] {
		if role := sc["role"].(map[string]any); role["originSystem"] == "AadApplication" {
			appRoles = append(appRoles, role["originId"], role["displayName"])
		}
	}
	require.Equal(t, []any{graphfake.GUID("role", "clerk"), "Accounts payable clerk"}, appRoles)

	writes := len(srv.Writes())
	res, err = Apply(ctx, c, p, Options{Yes: true})
	require.NoError(t, err)
	require.Len(t, srv.Writes(), writes, "a second run writes nothing")
	require.Zero(t, res.Outcomes[Created])
	requireOneOfEach(t, srv)

	// A dry run now finds everything.
	res, err = Apply(ctx, c, p, Options{})
	require.NoError(t, err)
	require.Zero(t, res.Outcomes[WouldCreate])
}

func TestResumeAfterFailures(t *testing.T) {
	for name, f := range map[string]graphfake.WriteFaults{
		"write refused halfway":       {FailWrite: 7},
		"write applied, answer lost":  {LoseWrite: 7},
		"policy applied, answer lost": {LoseWrite: 12},
	} {
		t.Run(name, func(t *testing.T) {
			srv := graphfake.New(fakeTenant())
			defer srv.Close()
			c := newClient(t, srv)
			srv.SetWriteFaults(f)
			_, err := Apply(context.Background(), c, plan(), Options{Yes: true})
			require.ErrorContains(t, err, "HTTP 500")
			srv.SetWriteFaults(graphfake.WriteFaults{})
			_, err = Apply(context.Background(), c, plan(), Options{Yes: true})
			require.NoError(t, err)
			requireOneOfEach(t, srv)
		})
	}
}

func TestThrottledWritesGoThrough(t *testing.T) {
	srv := graphfake.New(fakeTenant())
	defer srv.Close()
	srv.SetWriteFaults(graphfake.WriteFaults{ThrottleWrites: 2})
	res, err := Apply(context.Background(), newClient(t, srv), plan(), Options{Yes: true})
	require.NoError(t, err)
	requireOneOfEach(t, srv)
	require.Greater(t, len(srv.Writes()), res.Outcomes[Created], "throttled writes were sent again")
}

// TestSiteRolesAreTheSitesGroups: a site's roles in a catalog are its
// SharePoint groups with per-site sequence numbers, so every permission
// level (and input that names the group or its suffix) is granted through
// the group that carries it; a role no group fits stops apply with a
// message naming the site and the roles found.
func TestSiteRolesAreTheSitesGroups(t *testing.T) {
	hr, legal := "https://contoso.sharepoint.com/sites/HR", "https://contoso.sharepoint.com/sites/Legal"
	site := func(url, name, role string) tenant.PackageEntitlement {
		return tenant.PackageEntitlement{ResourceID: url, Role: role, ResourceType: "site", ResourceName: name}
	}
	pkgs := []tenant.Package{
		{ID: "a", Name: "A", Kind: "jobFunction", Entitlements: []tenant.PackageEntitlement{
			site(siteURL, "Finance", "Full Control"), site(siteURL, "Finance", "Read"), site(hr, "HR", "Edit")}},
		{ID: "b", Name: "B", Kind: "jobFunction", Entitlements: []tenant.PackageEntitlement{
			site(legal, "Legal", "Members"), site(hr, "HR", "HR Visitors"), site(siteURL, "Finance", "Edit")}},
	}
	srv := graphfake.New(&graphfake.Tenant{})
	defer srv.Close()
	srv.PageSize = 2 // a site's roles come on two pages
	c := newClient(t, srv)
	_, err := Apply(context.Background(), c, export.BuildPlan(pkgs, export.PlanOptions{}), Options{Yes: true})
	require.NoError(t, err)
	got := map[string][]string{}
	seqs := map[string]bool{}
	for pkg, scopes := range srv.RoleScopes() {
		for _, sc := range scopes {
			role := sc["role"].(map[string]any)
			scope := sc["scope"].(map[string]any)
			got[pkg] = append(got[pkg], scope["originId"].(string)+" "+role["displayName"].(string))
			require.Regexp(t, `^[0-9]+$`, role["originId"], "a site role's origin id is its sequence number")
			seqs[scope["originId"].(string)+" "+role["originId"].(string)] = true
		}
		slices.Sort(got[pkg])
	}
	require.Equal(t, map[string][]string{
		"A": {siteURL + " Finance Owners", siteURL + " Finance Visitors", hr + " HR Members"},
		"B": {siteURL + " Finance Members", hr + " HR Visitors", legal + " Legal Members"},
	}, got)
	require.Len(t, seqs, 6)

	bad := []tenant.Package{{ID: "c", Name: "C", Kind: "jobFunction", Entitlements: []tenant.PackageEntitlement{site(siteURL, "Finance", "Design")}}}
	_, err = Apply(context.Background(), c, export.BuildPlan(bad, export.PlanOptions{}), Options{Yes: true})
	require.ErrorContains(t, err, `site "Finance" (`+siteURL+`) role "Design": no role fits; the roles found are`)
	require.ErrorContains(t, err, `Finance Owners`)
	// A dry run over the catalog that exists finds the same problem.
	_, err = Apply(context.Background(), c, export.BuildPlan(bad, export.PlanOptions{}), Options{})
	require.ErrorContains(t, err, `no role fits`)
}

// backfillTenant is fakeTenant with users u0..u9.
func backfillTenant() *graphfake.Tenant {
	t := fakeTenant()
	for i := range 10 {
		id := graphfake.GUID("user", strconv.Itoa(i))
		t.Users = append(t.Users, graphfake.User{ID: id, UserPrincipalName: "u" + strconv.Itoa(i) + "@contoso.com", AccountEnabled: true})
	}
	return t
}

func user(i int) string { return graphfake.GUID("user", strconv.Itoa(i)) }

// backfillPlan assigns users 0-3 the automatic payroll package directly
// and users 4-8 the direct controller package.
func backfillPlan() *export.Plan {
	return export.BuildPlan(packages(), export.PlanOptions{CatalogName: "Finance",
		Incompatible: []export.Incompatibility{{PackageID: "payroll-clerk-finance", OtherID: "controller-finance"}},
		Backfill: map[string][]string{
			"payroll-clerk-finance": {user(0), user(1), user(2), user(3)},
			"controller-finance":    {user(4), user(5), user(6), user(7), user(8)},
		}})
}

// requireBackfilled checks that each user was requested once, through the
// package the plan names, and that Entra delivered every assignment.
func requireBackfilled(t *testing.T, srv *graphfake.Server) {
	t.Helper()
	require.Equal(t, map[string][]string{
		`Payroll "Clerk" / Finance & Co's`: {user(0), user(1), user(2), user(3)},
		"Controller / Finance":             {user(4), user(5), user(6), user(7), user(8)},
	}, srv.AssignmentRequests(), "every user requested exactly once")
	require.ElementsMatch(t, []string{user(0), user(1), user(2), user(3)}, srv.AssignedUsers(`Payroll "Clerk" / Finance & Co's`),
		"the back-fill (the rule selects nobody of this tenant)")
	require.ElementsMatch(t, []string{user(4), user(5), user(6), user(7), user(8)}, srv.AssignedUsers("Controller / Finance"))
	require.Len(t, srv.AssignedUsers("Birthright"), 10, "the birthright rule selects every enabled user, in the background")
}

// TestBackfill: the back-fill requests a direct assignment for exactly the
// intended users, once, through the direct policy (the fake refuses a
// direct request through an automatic policy), waits until Entra has
// delivered them (the fake delivers after a delay, as Entra answers a
// request before it carries it out), and marks incompatibilities only
// after it; a second run requests nothing.
func TestBackfill(t *testing.T) {
	srv := graphfake.New(backfillTenant())
	defer srv.Close()
	srv.PageSize = 3 // the package's assignments come on several pages
	srv.SetWriteFaults(graphfake.WriteFaults{ThrottleWrites: 3, DeliveryDelay: 300 * time.Millisecond})
	c := newClient(t, srv)
	p := backfillPlan()
	require.Equal(t, 9, p.Assignments())
	res, err := Apply(context.Background(), c, p, Options{Yes: true, AwaitPoll: 50 * time.Millisecond})
	require.NoError(t, err)
	requireBackfilled(t, srv)
	require.Equal(t, countReads(p), res.Outcomes[Read], "every read, both read-backs included, found what it waited for")

	// The incompatibility is written after the last assignment request.
	writes := srv.Writes()
	lastAssign, incompatible := -1, -1
	for i, w := range writes {
		if strings.Contains(w, "/assignmentRequests") {
			lastAssign = i
		}
		if strings.Contains(w, "/incompatibleAccessPackages/$ref") {
			incompatible = i
		}
	}
	require.Positive(t, lastAssign)
	require.Greater(t, incompatible, lastAssign, "incompatibilities come after the back-fill")

	n := len(srv.Writes())
	res, err = Apply(context.Background(), c, p, Options{Yes: true})
	require.NoError(t, err)
	require.Len(t, srv.Writes(), n, "a second run writes nothing")
	require.Equal(t, countLookups(p), res.Outcomes[Exists], "every object, each assignment included, is found")
	requireBackfilled(t, srv)
}

// TestBackfillResumes: a run that stops halfway through the back-fill (a
// refused write, or one applied whose answer was lost) is run again, and
// every user ends up requested once.
func TestBackfillResumes(t *testing.T) {
	p := backfillPlan()
	first := 0 // the first assignment request among the plan's writes
	for _, st := range p.Steps {
		if st.Method == "POST" {
			first++
			if strings.HasPrefix(st.ID, "assign:") {
				break
			}
		}
	}
	for name, f := range map[string]graphfake.WriteFaults{
		"request refused":              {FailWrite: first + 2},
		"request applied, answer lost": {LoseWrite: first + 2},
	} {
		t.Run(name, func(t *testing.T) {
			srv := graphfake.New(backfillTenant())
			defer srv.Close()
			c := newClient(t, srv)
			srv.SetWriteFaults(f)
			_, err := Apply(context.Background(), c, p, Options{Yes: true, AwaitPoll: 10 * time.Millisecond})
			require.ErrorContains(t, err, "HTTP 500")
			srv.SetWriteFaults(graphfake.WriteFaults{})
			_, err = Apply(context.Background(), c, p, Options{Yes: true, AwaitPoll: 10 * time.Millisecond})
			require.NoError(t, err)
			requireBackfilled(t, srv)
		})
	}
}

// TestBackfillWaitsForDelivery: when Entra has not delivered by the end of
// the wait, apply says so and how to check again.
func TestBackfillWaitsForDelivery(t *testing.T) {
	srv := graphfake.New(backfillTenant())
	defer srv.Close()
	srv.SetWriteFaults(graphfake.WriteFaults{DeliveryDelay: time.Hour})
	_, err := Apply(context.Background(), newClient(t, srv), backfillPlan(), Options{Yes: true, AwaitTimeout: 100 * time.Millisecond, AwaitPoll: 20 * time.Millisecond})
	require.ErrorContains(t, err, "direct assignments of Payroll \"Clerk\" / Finance & Co's: 4 of 4 not delivered after 100ms")
	require.ErrorContains(t, err, "run apply again to check")
}

func countReads(p *export.Plan) int {
	n := 0
	for _, st := range p.Steps {
		if st.Method == "GET" {
			n++
		}
	}
	return n
}

func countLookups(p *export.Plan) int {
	n := 0
	for _, st := range p.Steps {
		if st.Lookup != nil {
			n++
		}
	}
	return n
}

// TestPolicySettingsInGraphBodies: every setting of the policy file is in
// the request policy's body as the SDK's model reads it.
func TestPolicySettingsInGraphBodies(t *testing.T) {
	var body []byte
	var direct []byte
	for _, st := range plan().Steps {
		raw, err := json.Marshal(st.Body)
		require.NoError(t, err)
		switch st.ID {
		case "policy:controller-finance:request":
			body = raw
		case "policy:controller-finance":
			direct = raw
		}
	}
	require.NotNil(t, body, "the privileged package is requestable")
	filled := []byte(placeholder.ReplaceAllString(string(body), graphfake.GUID("placeholder")))
	v, err := Decode("/identityGovernance/entitlementManagement/assignmentPolicies", filled)
	require.NoError(t, err)
	pol := v.(models.AccessPackageAssignmentPolicyable)
	require.Equal(t, models.ALLMEMBERUSERS_ALLOWEDTARGETSCOPE, *pol.GetAllowedTargetScope())
	require.True(t, *pol.GetRequestorSettings().GetEnableTargetsToSelfAddAccess())

	ap := pol.GetRequestApprovalSettings()
	require.True(t, *ap.GetIsApprovalRequiredForAdd())
	require.True(t, *ap.GetIsRequestorJustificationRequired())
	stages := ap.GetStages()
	require.Len(t, stages, 2)
	require.Equal(t, "P1W", stages[0].GetDurationBeforeAutomaticDenial().String(), "7 days")
	require.Equal(t, "P2W", stages[1].GetDurationBeforeAutomaticDenial().String(), "the default 14 days")
	_, isManager := stages[0].GetPrimaryApprovers()[0].(models.RequestorManagerable)
	require.True(t, isManager)
	group, ok := stages[1].GetPrimaryApprovers()[0].(models.GroupMembersable)
	require.True(t, ok)
	require.Equal(t, ownerG, *group.GetGroupId())
	single, ok := stages[1].GetPrimaryApprovers()[1].(models.SingleUserable)
	require.True(t, ok)
	require.Equal(t, graphfake.GUID("user", "ciso"), *single.GetUserId())

	exp := pol.GetExpiration()
	require.Equal(t, models.AFTERDURATION_EXPIRATIONPATTERNTYPE, *exp.GetTypeEscaped())
	require.Equal(t, "P25W5D", exp.GetDuration().String(), "180 days")

	rv := pol.GetReviewSettings()
	require.True(t, *rv.GetIsEnabled())
	require.True(t, *rv.GetIsSelfReview())
	require.Equal(t, models.REMOVEACCESS_ACCESSREVIEWEXPIRATIONBEHAVIOR, *rv.GetExpirationBehavior())
	require.Equal(t, int32(6), *rv.GetSchedule().GetRecurrence().GetPattern().GetInterval())
	require.Equal(t, "P3W", rv.GetSchedule().GetExpiration().GetDuration().String(), "21 days")
	reviewer, ok := rv.GetPrimaryReviewers()[0].(models.GroupMembersable)
	require.True(t, ok)
	require.Equal(t, ownerG, *reviewer.GetGroupId())

	qs := pol.GetQuestions()
	require.Len(t, qs, 2)
	require.Equal(t, "Which cost centre?", *qs[0].GetText())
	require.True(t, *qs[0].GetIsRequired())
	require.False(t, *qs[1].GetIsRequired())

	// The direct policy carries the expiration and the review too.
	filled = []byte(placeholder.ReplaceAllString(string(direct), graphfake.GUID("placeholder")))
	v, err = Decode("/identityGovernance/entitlementManagement/assignmentPolicies", filled)
	require.NoError(t, err)
	pol = v.(models.AccessPackageAssignmentPolicyable)
	require.Equal(t, "P25W5D", pol.GetExpiration().GetDuration().String())
	require.True(t, *pol.GetReviewSettings().GetIsSelfReview())
}

// TestPilotThenWiden: a pilot creates no automatic policy and assigns only
// the pilot's users (with the back-fill); widening creates the automatic
// policies and requests nobody again; a rerun writes nothing.
func TestPilotThenWiden(t *testing.T) {
	tn := backfillTenant()
	for _, i := range []int{2, 3} { // the payroll rule selects these two
		tn.Users[i].JobTitle, tn.Users[i].Department = "Payroll Clerk", "Finance"
	}
	srv := graphfake.New(tn)
	defer srv.Close()
	c := newClient(t, srv)
	opt := export.PlanOptions{CatalogName: "Finance",
		Backfill: map[string][]string{"payroll-clerk-finance": {user(0), user(1)}},
		Pilot: &export.Pilot{GroupID: groupID, GroupName: "SG-Payroll", Users: map[string][]string{
			"payroll-clerk-finance": {user(5), user(6)}, "birthright": {user(5), user(6), user(7)}}}}
	pilot := export.BuildPlan(packages(), opt)
	require.Contains(t, strings.Join(pilot.Warnings, "\n"), "pilot: no automatic policy is created yet; 5 users of group SG-Payroll")
	_, err := Apply(context.Background(), c, pilot, Options{Yes: true, AwaitPoll: 10 * time.Millisecond})
	require.NoError(t, err)
	require.Zero(t, srv.Created("automaticPolicies"), "no rule assigns anybody during the pilot")
	sorted := func(us ...string) []string { slices.Sort(us); return us }
	require.Equal(t, map[string][]string{
		"Birthright":                       sorted(user(5), user(6), user(7)),
		`Payroll "Clerk" / Finance & Co's`: sorted(user(0), user(1), user(5), user(6)),
	}, srv.AssignmentRequests(), "the pilot's users and the back-fill, each once, in the plan's order")

	// Widen: the same plan without the pilot.
	opt.Pilot = nil
	wide := export.BuildPlan(packages(), opt)
	_, err = Apply(context.Background(), c, wide, Options{Yes: true, AwaitPoll: 10 * time.Millisecond})
	require.NoError(t, err)
	require.Equal(t, 2, srv.Created("automaticPolicies"), "the automatic policies now assign everyone their rules select")
	require.Equal(t, 4, len(srv.AssignmentRequests()[`Payroll "Clerk" / Finance & Co's`]), "nobody requested again")
	// The fake, like Entra, assigns in the background everyone the rules
	// select who has no assignment yet.
	require.ElementsMatch(t, []string{user(0), user(1), user(2), user(3), user(5), user(6)}, srv.AssignedUsers(`Payroll "Clerk" / Finance & Co's`),
		"the back-fill, the pilot, and the rule's users 2 and 3")
	var all []string
	for i := range 10 {
		all = append(all, user(i))
	}
	require.ElementsMatch(t, all, srv.AssignedUsers("Birthright"), "widening assigns the rest")
	n := len(srv.Writes())
	_, err = Apply(context.Background(), c, wide, Options{Yes: true})
	require.NoError(t, err)
	require.Len(t, srv.Writes(), n, "a rerun writes nothing")
}

// TestUpdateAfterRemine: after a re-mine changes a rule, and a policy file
// an expiration, apply shows which policies differ and in what (a dry run
// writes nothing), replaces them with --yes, and then finds nothing to do.
func TestUpdateAfterRemine(t *testing.T) {
	srv := graphfake.New(fakeTenant())
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	_, err := Apply(ctx, c, export.BuildPlan(packages(), export.PlanOptions{CatalogName: "Finance"}), Options{Yes: true})
	require.NoError(t, err)
	require.Zero(t, srv.Created("policyUpdates"))

	pkgs := packages()
	pkgs[1].Rule = `(user.jobTitle -eq "Payroll Clerk")`
	pf, err := export.ReadPolicyFile("p.yaml", strings.NewReader("version: 1\nrules:\n  - match: {packages: [controller-finance]}\n    expiration: {days: 90}\n"))
	require.NoError(t, err)
	p := export.BuildPlan(pkgs, export.PlanOptions{CatalogName: "Finance", Policies: pf})

	var lines []string
	writes := len(srv.Writes())
	res, err := Apply(ctx, c, p, Options{Report: func(l string) { lines = append(lines, l) }})
	require.NoError(t, err)
	require.Len(t, srv.Writes(), writes, "a dry run writes nothing")
	require.Equal(t, 2, res.Outcomes[WouldUpdate])
	all := strings.Join(lines, "\n")
	require.Contains(t, all, `would update Create the assignment policy "Automatic: Payroll \"Clerk\" / Finance & Co's" (changed: specificAllowedTargets)`)
	require.Contains(t, all, `would update Create the assignment policy "Direct assignment: Controller / Finance" (changed: expiration)`)

	res, err = Apply(ctx, c, p, Options{Yes: true})
	require.NoError(t, err)
	require.Equal(t, 2, res.Outcomes[Updated])
	require.Equal(t, 2, srv.Created("policyUpdates"))
	require.Equal(t, 5, srv.Created("policies"), "replaced, not added")

	lines = nil
	res, err = Apply(ctx, c, p, Options{Yes: true, Report: func(l string) { lines = append(lines, l) }})
	require.NoError(t, err)
	require.Zero(t, res.Outcomes[Updated]+res.Outcomes[Created], "then nothing is left to do: %s", strings.Join(lines, "\n"))
}

// TestPruneAfterRemine: a re-mine that drops an entitlement from a package
// leaves a role scope the plan no longer grants; apply reports it, and
// removes it only with Prune.
func TestPruneAfterRemine(t *testing.T) {
	srv := graphfake.New(fakeTenant())
	defer srv.Close()
	c := newClient(t, srv)
	ctx := context.Background()
	_, err := Apply(ctx, c, export.BuildPlan(packages(), export.PlanOptions{CatalogName: "Finance"}), Options{Yes: true})
	require.NoError(t, err)
	require.Equal(t, 5, srv.Created("scopes"))

	pkgs := packages()
	pkgs[2].Entitlements = pkgs[2].Entitlements[:1] // the controller package keeps Owner, drops AP.Clerk
	p := export.BuildPlan(pkgs, export.PlanOptions{CatalogName: "Finance"})
	var lines []string
	res, err := Apply(ctx, c, p, Options{Yes: true, Report: func(l string) { lines = append(lines, l) }})
	require.NoError(t, err)
	require.Equal(t, 1, res.Outcomes[WouldRemove])
	require.Contains(t, strings.Join(lines, "\n"),
		"would remove Remove the role scopes of Controller / Finance that the plan no longer grants: 1 no longer in the plan (Accounts payable clerk); --prune removes them")
	require.Equal(t, 5, srv.Created("scopes"), "without Prune nothing is removed")

	res, err = Apply(ctx, c, p, Options{Yes: true, Prune: true})
	require.NoError(t, err)
	require.Equal(t, 1, res.Outcomes[Removed])
	require.Equal(t, 4, srv.Created("scopes"))
	require.Equal(t, 1, srv.Created("removedScopes"))
	for _, sc := range srv.RoleScopes()["Controller / Finance"] {
		require.Equal(t, "Owner", sc["role"].(map[string]any)["displayName"], "the scope the plan keeps stays")
	}

	res, err = Apply(ctx, c, p, Options{Yes: true, Prune: true})
	require.NoError(t, err)
	require.Zero(t, res.Outcomes[Removed]+res.Outcomes[Created]+res.Outcomes[Updated], "then nothing is left to do")
}

// TestRollbackPilot: taking a pilot back removes the pilot's direct
// assignments (not the back-fill), each once, waits until Entra has removed
// them, and a rerun finds them gone.
func TestRollbackPilot(t *testing.T) {
	srv := graphfake.New(backfillTenant())
	defer srv.Close()
	srv.SetWriteFaults(graphfake.WriteFaults{DeliveryDelay: 100 * time.Millisecond})
	c := newClient(t, srv)
	ctx := context.Background()
	opt := export.PlanOptions{CatalogName: "Finance",
		Backfill: map[string][]string{"payroll-clerk-finance": {user(0), user(5)}},
		Pilot:    &export.Pilot{GroupID: groupID, Users: map[string][]string{"payroll-clerk-finance": {user(5), user(6)}, "birthright": {user(7)}}}}
	_, err := Apply(ctx, c, export.BuildPlan(packages(), opt), Options{Yes: true, AwaitPoll: 10 * time.Millisecond})
	require.NoError(t, err)
	require.Equal(t, 4, srv.Created("assignments"))

	rb := export.BuildRollback(packages(), opt)
	res, err := Apply(ctx, c, rb, Options{})
	require.NoError(t, err)
	require.Equal(t, 2, res.Outcomes[WouldRemove], "a dry run: user 6's and user 7's; user 5 is back-filled")
	require.Zero(t, srv.Created("removalRequests"))

	res, err = Apply(ctx, c, rb, Options{Yes: true, AwaitPoll: 10 * time.Millisecond})
	require.NoError(t, err)
	require.Equal(t, 2, res.Outcomes[Removed])
	require.Equal(t, 2, srv.Created("removalRequests"))
	require.Equal(t, 2, srv.Created("assignments"), "the back-fill stays")

	res, err = Apply(ctx, c, rb, Options{Yes: true})
	require.NoError(t, err)
	require.Equal(t, 2, res.Outcomes[Absent], "a rerun finds them gone")
	require.Equal(t, 2, srv.Created("removalRequests"), "and requests nothing")
}

// TestCatalogsPerDepartment: a policy file's catalog takes the packages of
// its departments, with the resources they use added to it and its owners
// made Catalog owners; the others stay in the plan's catalog; a rerun
// writes nothing.
func TestCatalogsPerDepartment(t *testing.T) {
	tn := backfillTenant()
	srv := graphfake.New(tn)
	defer srv.Close()
	c := newClient(t, srv)
	pkgs := packages()
	pkgs[1].Conditions = []tenant.Condition{{Attribute: "jobTitle", Values: []string{"Payroll Clerk"}}, {Attribute: "department", Values: []string{"Finance"}}}
	pf, err := export.ReadPolicyFile("p.yaml", strings.NewReader(`version: 1
catalogs:
  - name: Finance access
    departments: [finance]
    owners: ["user:`+user(1)+`", "group:`+groupID+`"]
`))
	require.NoError(t, err)
	p := export.BuildPlan(pkgs, export.PlanOptions{CatalogName: "Everyone", Policies: pf})
	_, err = Apply(context.Background(), c, p, Options{Yes: true})
	require.NoError(t, err)
	require.Equal(t, 2, srv.Created("catalogs"))
	require.Equal(t, 2, srv.Created("catalogOwners"))
	require.Equal(t, 3, srv.Created("packages"))
	// The payroll package's app and site in the Finance catalog; the group,
	// the owner group and the app again in the other.
	require.Equal(t, 5, srv.Created("resources"))
	require.Equal(t, 5, srv.Created("scopes"))

	n := len(srv.Writes())
	_, err = Apply(context.Background(), c, p, Options{Yes: true})
	require.NoError(t, err)
	require.Len(t, srv.Writes(), n, "a rerun writes nothing")

	bad := "version: 1\ncatalogs:\n  - name: X\n    departments: [IT]\n    owners: [manager]\n"
	_, err = export.ReadPolicyFile("p.yaml", strings.NewReader(bad))
	require.ErrorContains(t, err, `p.yaml: line 3: catalog "X": an owner is user:<object id> or group:<object id>, not manager`)
}
