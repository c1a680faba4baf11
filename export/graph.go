package export

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/tenant"
)

// GraphBase is the Graph API root that @odata.id references point at.
const GraphBase = "https://graph.microsoft.com/v1.0"

const em = "/identityGovernance/entitlementManagement"

// Plan is an ordered list of Graph requests that creates a catalog, adds the
// packages' resources to it, creates the packages with their resource role
// scopes and assignment policies, and links incompatible packages.
//
// Paths are written unencoded, for people to read: a client encodes the
// query string when it sends the request.
//
// Later steps refer to ids that earlier steps create through placeholders
// {{name}}; a step's Captures say which response field fills which
// placeholder ("id" for a created object, "value[0].id" for the first item
// of a list). Steps run in order; a step may run only after DependsOn.
type Plan struct {
	Version    int       `json:"version"`
	APIVersion string    `json:"apiVersion"`
	Catalog    string    `json:"catalog"`
	Steps      []Step    `json:"steps"`
	Skipped    []Skipped `json:"skipped"`
	Warnings   []string  `json:"warnings"`
	// Conflicts lists, per incompatibility, the users who will hold both
	// sides after the back-fill (see PlanOptions.Conflicts).
	Conflicts []Conflict `json:"conflicts"`
	// Retained lists, in a retire plan (BuildRetire), the grant paths it
	// keeps because removing them would take access away.
	Retained []Retained `json:"retained,omitempty"`
}

// Conflict is an incompatibility that users will break once the packages
// are rolled out: they hold both packages (or the package and the group).
// The plan marks packages incompatible after the back-fill, so Entra's
// check, which runs when an assignment is requested, does not refuse their
// back-fill; their assignments stay, and a reviewer should resolve them.
type Conflict struct {
	PackageID string   `json:"packageId"`
	OtherID   string   `json:"otherId,omitempty"`
	GroupID   string   `json:"groupId,omitempty"`
	Users     []string `json:"users"`
}

// Assignments counts the direct assignments the plan requests (its
// back-fill).
func (p *Plan) Assignments() int {
	n := 0
	for _, st := range p.Steps {
		if strings.HasPrefix(st.ID, "assign:") {
			n++
		}
	}
	return n
}

// Step is one Graph request of a plan.
type Step struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Body        any               `json:"body,omitempty"`
	DependsOn   []string          `json:"dependsOn,omitempty"`
	Captures    map[string]string `json:"captures,omitempty"`
	// Lookup finds the object a POST would create when it exists already,
	// so that running a plan again creates nothing twice.
	Lookup *Lookup `json:"lookup,omitempty"`
	// Choose picks one item of the list a GET returns, for the roles the
	// plan cannot name in advance (a site's SharePoint groups).
	Choose *Choose `json:"choose,omitempty"`
	// Await reads a list again until it holds every one of a set of
	// values: a request that Graph answers before it is carried out (an
	// assignment request) is checked by reading the state back.
	Await *Await `json:"await,omitempty"`
	// Update brings an object the lookup found up to date with the body
	// (after a re-mine changed a rule, or the policy file a setting).
	Update *Update `json:"update,omitempty"`
	// Prune lists the items at Path and removes those the plan no longer
	// has (a re-mine dropped an entitlement from a package).
	Prune *Prune `json:"prune,omitempty"`
	// Find, the opposite of Lookup, runs the step only when it finds the
	// object (capturing its values): a removal of what may be gone.
	Find *Lookup `json:"find,omitempty"`
}

// Prune deletes the items of the list at the step's Path whose Fields,
// joined by "|", are none of Keep (placeholders filled): DELETE to Path
// (without its query) followed by the item's id. A runner removes them
// only when asked to; otherwise it reports them.
type Prune struct {
	What   string   `json:"what"`
	Fields []string `json:"fields"`
	Keep   []string `json:"keep"`
}

// Update compares the object a step's lookup found with the step's body
// on the Compare fields the body sets, and when one differs replaces the
// object: PUT to Path followed by the found object's id, with the body and
// that id.
type Update struct {
	Path    string   `json:"path"`
	Compare []string `json:"compare"`
}

// Await is a GET repeated (Path, every page) until the values of Field in
// its items include all of Want, or until the runner's patience ends.
type Await struct {
	What  string   `json:"what"`
	Field string   `json:"field"`
	Want  []string `json:"want"`
	// Absent waits until none of Want is listed any more.
	Absent bool `json:"absent,omitempty"`
}

// Choose picks the item of a list in the response (List, default "value",
// the pages of a collection) whose Field (default "displayName") is the
// first of Names (compared without regard to case), or else ends with one
// of Suffixes after a space, in order of preference; Captures take their
// values from it. When no item fits, the step fails with a message naming
// What and the values listed.
type Choose struct {
	What     string            `json:"what"`
	List     string            `json:"list,omitempty"`
	Field    string            `json:"field,omitempty"`
	Names    []string          `json:"names"`
	Suffixes []string          `json:"suffixes,omitempty"`
	Captures map[string]string `json:"captures"`
}

// ListName is the response's list Choose picks from.
func (c *Choose) ListName() string { return cmp.Or(c.List, "value") }

// FieldName is the field of an item Choose compares.
func (c *Choose) FieldName() string { return cmp.Or(c.Field, "displayName") }

// Pick returns the index of the item Choose picks among names, or -1.
func (c *Choose) Pick(names []string) int {
	for _, want := range c.Names {
		for i, n := range names {
			if strings.EqualFold(strings.TrimSpace(n), want) {
				return i
			}
		}
	}
	for _, suffix := range c.Suffixes {
		for i, n := range names {
			n = strings.ToLower(strings.TrimSpace(n))
			if s := strings.ToLower(suffix); n == s || strings.HasSuffix(n, " "+s) {
				return i
			}
		}
	}
	return -1
}

// SiteRoleChoice says how to find the site group (tenant.SiteGroup) that
// grants role on a site: the group named exactly as the role (input that already names the
// group, "Marketing Members"), the site's default group for the
// permission level ("<site> Members" for Edit), or any group whose name
// ends with the level's group suffix or with the role's last word (input
// naming a suffix, "Members").
func SiteRoleChoice(siteName, siteURL, role string) *Choose {
	c := &Choose{What: fmt.Sprintf("site %q (%s) role %q", siteName, siteURL, role), Names: []string{role}}
	if g, ok := tenant.SiteGroup(role); ok {
		if siteName != "" && siteName != siteURL {
			c.Names = append(c.Names, siteName+" "+g)
		}
		c.Suffixes = append(c.Suffixes, g)
	} else if f := strings.Fields(role); len(f) > 1 {
		if g, ok := tenant.SiteGroup(f[len(f)-1]); ok {
			c.Suffixes = append(c.Suffixes, g)
		}
	}
	return c
}

// Lookup is a GET of a list whose items are compared with Match (fields,
// dotted for nested ones, that must equal the values, placeholders
// substituted). The first matching item stands for the object: Captures
// take their values from it as the step's own captures would from the
// created object.
type Lookup struct {
	Path     string            `json:"path"`
	Match    map[string]string `json:"match"`
	Captures map[string]string `json:"captures,omitempty"`
	// Shared says that steps one after another look up the same list
	// (a package's assignments, one step per user): a runner may read it
	// once and match every step against what it read.
	Shared bool `json:"shared,omitempty"`
}

// Skipped names an entitlement the plan leaves out, and why.
type Skipped struct {
	PackageID  string `json:"packageId"`
	ResourceID string `json:"resourceId"`
	Role       string `json:"role"`
	Reason     string `json:"reason"`
}

// Incompatibility says that a package must not be held together with
// another package (OtherID) or with membership of a group (GroupID, a
// directory group id); one of the two is set.
type Incompatibility struct {
	PackageID string
	OtherID   string
	GroupID   string
}

// PlanOptions configure BuildPlan.
type PlanOptions struct {
	CatalogName  string
	Incompatible []Incompatibility
	// Backfill maps a package id to the users (object ids) to assign it
	// directly, through the package's direct-assignment policy
	// (tenant.Backfill).
	Backfill map[string][]string
	// Conflicts are the users each incompatibility will find holding both
	// sides after the rollout; the plan reports them.
	Conflicts []Conflict
	// Policies set approval, expiration, reviews, questions and requestors
	// (nil: the built-in defaults by sensitivity).
	Policies *PolicyFile
	// Pilot, when set, rolls the packages out to a pilot group first.
	Pilot *Pilot
}

// Pilot is a gradual rollout's first wave ("begin with a gradual rollout
// to a scoped set of users ... before organization-wide deployment"): the
// automatic policies are not created yet, so no rule assigns anybody and
// nothing is removed; instead the users of the pilot group whom each rule
// selects are assigned directly, besides the back-fill. A later apply
// without the pilot creates the automatic policies, which assign everyone
// else (widening).
type Pilot struct {
	GroupID, GroupName string
	// Wave and Waves, instead of a group, take wave Wave of Waves: the
	// users of the first Wave of Waves equal shares of each rule's users
	// (by a hash of their id, so a user stays in the same share).
	Wave, Waves int
	// Users maps a package id to the pilot's users its rule selects.
	Users map[string][]string
}

// Label names the pilot: its group, or its wave.
func (p *Pilot) Label() string {
	if p.Waves > 0 {
		return fmt.Sprintf("wave %d of %d", p.Wave, p.Waves)
	}
	return "group " + cmp.Or(p.GroupName, p.GroupID)
}

func ph(name string) string { return "{{" + name + "}}" }

func originSystem(typ string) string {
	switch typ {
	case tenant.TypeGroup:
		return "AadGroup"
	case tenant.TypeApplication:
		return "AadApplication"
	case tenant.TypeSite:
		return "SharePointOnline"
	}
	return ""
}

// BuildPlan builds the Graph request plan for pkgs.
func BuildPlan(pkgs []tenant.Package, opt PlanOptions) *Plan {
	catalog := opt.CatalogName
	if catalog == "" {
		catalog = "rolemine proposals"
	}
	p := &Plan{Version: 1, APIVersion: "v1.0", Catalog: catalog, Skipped: []Skipped{}, Warnings: []string{}}
	// The plan's catalog, and the policy file's catalogs its packages use,
	// in order of first use.
	cats := []*planCatalog{{name: catalog, step: "catalog", v: "catalog.id"}}
	catOf := map[string]*planCatalog{}
	for _, pkg := range pkgs {
		catOf[pkg.ID] = cats[0]
		spec := opt.Policies.CatalogFor(pkg)
		if spec == nil {
			continue
		}
		i := slices.IndexFunc(cats, func(c *planCatalog) bool { return c.name == spec.Name })
		if i < 0 {
			cats = append(cats, &planCatalog{name: spec.Name, step: "catalog:" + spec.Name, v: "catalog@" + spec.Name + ".id",
				sfx: "@" + spec.Name, owners: spec.Owners})
			i = len(cats) - 1
		}
		catOf[pkg.ID] = cats[i]
	}
	for _, c := range cats {
		p.Steps = append(p.Steps, Step{
			ID: c.step, Description: "Create the catalog " + c.name,
			Method: "POST", Path: em + "/catalogs",
			Body: map[string]any{"displayName": c.name, "description": "Job-function access packages proposed by rolemine",
				"state": "published", "isExternallyVisible": false},
			Captures: map[string]string{c.v: "id"},
			Lookup: &Lookup{Path: em + "/catalogs?$filter=displayName eq '" + odataQuote(c.name) + "'",
				Match: map[string]string{"displayName": c.name}, Captures: map[string]string{c.v: "id"}},
		})
		p.Steps = append(p.Steps, ownerSteps(c)...)
	}
	// Resources, each added once to each catalog that uses it, in order of
	// first use.
	added := map[string]bool{}
	for _, pkg := range pkgs {
		cat := catOf[pkg.ID]
		for _, e := range pkg.Entitlements {
			sys := originSystem(e.ResourceType)
			if sys == "" || added[e.ResourceID+cat.sfx] {
				continue
			}
			added[e.ResourceID+cat.sfx] = true
			key := "resource." + e.ResourceID + cat.sfx
			p.Steps = append(p.Steps,
				Step{
					ID: "resourceRequest:" + e.ResourceID + cat.sfx, Description: fmt.Sprintf("Add %s %q to the catalog%s", e.ResourceType, e.ResourceName, cat.of()),
					Method: "POST", Path: em + "/resourceRequests", DependsOn: []string{cat.step},
					Body: map[string]any{"requestType": "adminAdd", "catalog": map[string]any{"id": ph(cat.v)},
						"resource": map[string]any{"originId": e.ResourceID, "originSystem": sys, "displayName": e.ResourceName}},
					Lookup: &Lookup{Path: em + "/catalogs/" + ph(cat.v) + "/resources?$filter=originId eq '" + odataQuote(e.ResourceID) + "'",
						Match: map[string]string{"originId": e.ResourceID}},
				},
				Step{
					ID: "resource:" + e.ResourceID + cat.sfx, Description: fmt.Sprintf("Read back the catalog resource for %q with its roles%s", e.ResourceName, cat.of()),
					Method: "GET", DependsOn: []string{"resourceRequest:" + e.ResourceID + cat.sfx},
					Path:     em + "/catalogs/" + ph(cat.v) + "/resources?$filter=originId eq '" + odataQuote(e.ResourceID) + "'&$expand=roles,scopes",
					Captures: map[string]string{key + ".id": "value[0].id"},
				})
		}
	}
	// The role lookups planned so far: a plan of a large tenant holds
	// millions of back-fill steps, too many to search for them.
	looked := map[string]bool{}
	for _, pkg := range pkgs {
		pkey := "package." + pkg.ID
		pstep := "package:" + pkg.ID
		cat := catOf[pkg.ID]
		first := len(p.Steps) // this package's steps, for its prune step
		p.Steps = append(p.Steps, Step{
			ID: pstep, Description: "Create the access package " + pkg.Name + cat.of(),
			Method: "POST", Path: em + "/accessPackages", DependsOn: []string{cat.step},
			Body: map[string]any{"displayName": pkg.Name, "description": pkg.Description, "isHidden": false,
				"catalog": map[string]any{"id": ph(cat.v)}},
			Captures: map[string]string{pkey + ".id": "id"},
			Lookup: &Lookup{Path: em + "/accessPackages?$filter=displayName eq '" + odataQuote(pkg.Name) + "'&$expand=catalog",
				Match: map[string]string{"displayName": pkg.Name, "catalog.id": ph(cat.v)}, Captures: map[string]string{pkey + ".id": "id"}},
		})
		for _, e := range pkg.Entitlements {
			sys := originSystem(e.ResourceType)
			if sys == "" {
				p.Skipped = append(p.Skipped, Skipped{PackageID: pkg.ID, ResourceID: e.ResourceID, Role: e.Role,
					Reason: "resource type unknown: ingest a resources file to include it"})
				continue
			}
			rkey := "resource." + e.ResourceID + cat.sfx
			role := map[string]any{"displayName": e.Role, "originSystem": sys, "resource": map[string]any{"id": ph(rkey + ".id")}}
			step := Step{
				ID: "roleScope:" + pkg.ID + ":" + e.ResourceID + ":" + e.Role, Method: "POST",
				Description: fmt.Sprintf("Grant %s on %q through %s", e.Role, e.ResourceName, pkg.Name),
				Path:        em + "/accessPackages/" + ph(pkey+".id") + "/resourceRoleScopes",
				DependsOn:   []string{pstep, "resource:" + e.ResourceID + cat.sfx},
			}
			switch sys {
			case "AadGroup":
				role["originId"] = e.Role + "_" + e.ResourceID
			case "SharePointOnline":
				// A site's roles are its SharePoint groups, with the
				// group's sequence number in the site as origin id
				// (Graph v1.0, accessPackageResourceRole: "For a
				// SharePoint Online site, the originId is the sequence
				// number of the role in the site"): list the site's roles
				// and choose the group that carries the permission level.
				lkey := "role." + e.ResourceID + cat.sfx + "." + e.Role
				lstep := "resourceRole:" + e.ResourceID + ":" + e.Role + cat.sfx
				choice := SiteRoleChoice(e.ResourceName, e.ResourceID, e.Role)
				choice.Captures = map[string]string{lkey + ".originId": "originId", lkey + ".displayName": "displayName"}
				if !looked[lstep] {
					looked[lstep] = true
					p.Steps = append(p.Steps, Step{
						ID: lstep, Description: fmt.Sprintf("Find the SharePoint group of %q that grants %s", e.ResourceName, e.Role),
						Method: "GET", DependsOn: []string{"resource:" + e.ResourceID + cat.sfx},
						Path: em + "/catalogs/" + ph(cat.v) + "/resourceRoles?$filter=originSystem eq 'SharePointOnline'" +
							" and resource/id eq '" + ph(rkey+".id") + "'",
						Choose: choice,
					})
				}
				role["originId"] = ph(lkey + ".originId")
				role["displayName"] = ph(lkey + ".displayName")
				step.DependsOn = append(step.DependsOn, lstep)
			default:
				// An app role's origin id is the app role's id (Graph v1.0,
				// "Create resourceRoleScope", example 2), and its display
				// name in the catalog is the app role's display name, which
				// is not the value that assignments carry: read the service
				// principal's app roles and choose by value.
				lkey := "role." + e.ResourceID + "." + e.Role
				lstep := "appRole:" + e.ResourceID + ":" + e.Role
				if !looked[lstep] {
					looked[lstep] = true
					p.Steps = append(p.Steps, Step{
						ID: lstep, Description: fmt.Sprintf("Find the app role %s of %q", e.Role, e.ResourceName),
						Method: "GET", Path: "/servicePrincipals/" + e.ResourceID + "?$select=id,appRoles",
						Choose: &Choose{What: fmt.Sprintf("application %q (%s) role %q", e.ResourceName, e.ResourceID, e.Role),
							List: "appRoles", Field: "value", Names: []string{e.Role},
							Captures: map[string]string{lkey + ".originId": "id", lkey + ".displayName": "displayName"}},
					})
				}
				role["originId"] = ph(lkey + ".originId")
				role["displayName"] = ph(lkey + ".displayName")
				step.DependsOn = append(step.DependsOn, lstep)
			}
			step.Body = map[string]any{
				"role":  role,
				"scope": map[string]any{"originId": e.ResourceID, "originSystem": sys, "isRootScope": true},
			}
			step.Lookup = &Lookup{Path: em + "/accessPackages/" + ph(pkey+".id") + "/resourceRoleScopes?$expand=role,scope",
				Match: map[string]string{"role.originId": role["originId"].(string), "scope.originId": e.ResourceID}}
			p.Steps = append(p.Steps, step)
		}
		settings := opt.Policies.Settings(pkg)
		if pkg.Automatic && opt.Pilot == nil {
			p.Steps = append(p.Steps, policyStep(pkg, pkey, pstep, true, settings))
		}
		// Every package gets a direct-assignment policy (besides its
		// automatic one): the back-fill, and a pilot, assign through it.
		p.Steps = append(p.Steps, pruneStep(pkg, pkey, pstep, p.Steps[first:]))
		p.Steps = append(p.Steps, policyStep(pkg, pkey, pstep, false, settings))
		if settings.requestable() {
			p.Steps = append(p.Steps, requestPolicyStep(pkg, pkey, pstep, settings))
		}
		p.Steps = append(p.Steps, backfillSteps(pkg, pkey, opt.DirectUsers(pkg))...)
		if pkg.Automatic && pkg.Metrics.RuleUsers > tenant.MaxPolicyUsers {
			p.Warnings = append(p.Warnings, fmt.Sprintf("package %s: its rule selects %d users, above the %d an automatic policy allows", pkg.ID, pkg.Metrics.RuleUsers, tenant.MaxPolicyUsers))
		}
	}
	if pl := opt.Pilot; pl != nil {
		n := 0
		for _, us := range pl.Users {
			n += len(us)
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("pilot: no automatic policy is created yet; %s of %s whom the rules select are assigned directly. Apply again without --pilot or --wave to widen the rollout to everyone the rules select",
			render.Count(n, "user"), pl.Label()))
	}
	// Incompatibilities come last, after every back-fill: Entra checks them
	// when an assignment is requested, so marking them first would refuse
	// the back-fill of users who hold both sides today.
	p.Conflicts = append(p.Conflicts, opt.Conflicts...)
	for _, c := range p.Conflicts {
		other := c.OtherID
		if other == "" {
			other = "the members of group " + c.GroupID
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s both %s and %s: the incompatibility is marked after the back-fill, so their assignments stay; review them (plan conflicts)",
			render.Count(len(c.Users), "user will hold", "users will hold"), c.PackageID, other))
	}
	if p.Conflicts == nil {
		p.Conflicts = []Conflict{}
	}
	for _, inc := range opt.Incompatible {
		if inc.GroupID != "" {
			p.Steps = append(p.Steps, Step{
				ID:          "incompatibleGroup:" + inc.PackageID + ":" + inc.GroupID,
				Description: fmt.Sprintf("Mark %s incompatible with the members of group %s", inc.PackageID, inc.GroupID),
				Method:      "POST", Path: em + "/accessPackages/" + ph("package."+inc.PackageID+".id") + "/incompatibleGroups/$ref",
				DependsOn: []string{"package:" + inc.PackageID},
				Body:      map[string]any{"@odata.id": GraphBase + "/groups/" + inc.GroupID},
				Lookup: &Lookup{Path: em + "/accessPackages/" + ph("package."+inc.PackageID+".id") + "/incompatibleGroups",
					Match: map[string]string{"id": inc.GroupID}},
			})
			continue
		}
		p.Steps = append(p.Steps, Step{
			ID:          "incompatible:" + inc.PackageID + ":" + inc.OtherID,
			Description: fmt.Sprintf("Mark %s incompatible with %s", inc.PackageID, inc.OtherID),
			Method:      "POST", Path: em + "/accessPackages/" + ph("package."+inc.PackageID+".id") + "/incompatibleAccessPackages/$ref",
			DependsOn: []string{"package:" + inc.PackageID, "package:" + inc.OtherID},
			Body:      map[string]any{"@odata.id": GraphBase + em + "/accessPackages/" + ph("package."+inc.OtherID+".id")},
			Lookup: &Lookup{Path: em + "/accessPackages/" + ph("package."+inc.PackageID+".id") + "/incompatibleAccessPackages",
				Match: map[string]string{"id": ph("package." + inc.OtherID + ".id")}},
		})
	}
	if len(slices.DeleteFunc(slices.Clone(pkgs), func(p tenant.Package) bool { return !p.Automatic })) > 0 {
		p.Warnings = append(p.Warnings, "automatic assignment policies need a Microsoft Entra ID Governance licence, and only a Global Administrator or Identity Governance Administrator can create them")
	}
	return p
}

// policyStep creates a package's automatic policy (its rule assigns) or
// its direct-assignment policy (administrators, and the back-fill, assign),
// the latter with the expiration and reviews of the settings.
func policyStep(pkg tenant.Package, pkey, pstep string, automatic bool, settings PolicySettings) Step {
	body := map[string]any{"accessPackage": map[string]any{"id": ph(pkey + ".id")}}
	id := "policy:" + pkg.ID
	var captures map[string]string
	if automatic {
		body["displayName"] = "Automatic: " + pkg.Name
		body["description"] = "Assigns the package to every user the rule selects"
		body["allowedTargetScope"] = "specificDirectoryUsers"
		body["specificAllowedTargets"] = []any{map[string]any{
			"@odata.type": "#microsoft.graph.attributeRuleMembers", "description": pkg.Name, "membershipRule": pkg.Rule}}
		body["automaticRequestSettings"] = map[string]any{"requestAccessForAllowedTargets": true,
			"removeAccessWhenTargetLeavesAllowedTargets": true, "gracePeriodBeforeAccessRemoval": "P7D"}
	} else {
		if pkg.Automatic {
			id += ":direct"
		}
		captures = map[string]string{pkey + ".directPolicy.id": "id"}
		body["displayName"] = "Direct assignment: " + pkg.Name
		body["description"] = "Administrators assign this package directly"
		body["allowedTargetScope"] = "notSpecified"
		body["specificAllowedTargets"] = []any{}
		body["expiration"] = expirationBody(settings.Expiration)
		if settings.Review != nil {
			body["reviewSettings"] = reviewBody(settings.Review)
		}
		body["requestorSettings"] = map[string]any{"enableTargetsToSelfAddAccess": false, "enableTargetsToSelfUpdateAccess": false,
			"enableTargetsToSelfRemoveAccess": false, "allowCustomAssignmentSchedule": false, "enableOnBehalfRequestorsToAddAccess": false,
			"enableOnBehalfRequestorsToUpdateAccess": false, "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []any{}}
		body["requestApprovalSettings"] = map[string]any{"isApprovalRequiredForAdd": false, "isApprovalRequiredForUpdate": false, "stages": []any{}}
	}
	return Step{
		ID: id, Description: fmt.Sprintf("Create the assignment policy %q", body["displayName"]),
		Method: "POST", Path: em + "/assignmentPolicies", DependsOn: []string{pstep}, Body: body, Captures: captures,
		Lookup: &Lookup{Path: em + "/accessPackages/" + ph(pkey+".id") + "/assignmentPolicies",
			Match: map[string]string{"displayName": body["displayName"].(string)}, Captures: captures},
		Update: policyUpdate,
	}
}

// policyUpdate replaces a policy whose rule or settings changed (Graph
// v1.0, "Update accessPackageAssignmentPolicy": PUT
// /identityGovernance/entitlementManagement/assignmentPolicies/{id}).
var policyUpdate = &Update{Path: em + "/assignmentPolicies/", Compare: []string{"allowedTargetScope", "specificAllowedTargets",
	"automaticRequestSettings", "expiration", "requestApprovalSettings", "reviewSettings", "questions"}}

// planCatalog is a catalog of the plan: the plan's own (sfx "") or one of
// the policy file's, whose steps and placeholders carry "@" and its name.
type planCatalog struct {
	name, step, v, sfx string
	owners             []Subject
}

// of names the catalog in a step's description, when it is not the plan's.
func (c *planCatalog) of() string {
	if c.sfx == "" {
		return ""
	}
	return " (catalog " + c.name + ")"
}

// CatalogOwnerRole is the id of entitlement management's Catalog owner
// role (Graph v1.0, "Create unifiedRoleAssignment", entitlement management
// provider example: roleDefinitionId ae79f266-94d4-4dab-b730-feca7e132178
// with appScopeId /AccessPackageCatalog/{catalog id}).
const CatalogOwnerRole = "ae79f266-94d4-4dab-b730-feca7e132178"

// ownerSteps make a catalog's owners its Catalog owners.
func ownerSteps(c *planCatalog) []Step {
	var out []Step
	scope := "/AccessPackageCatalog/" + ph(c.v)
	for _, o := range c.owners {
		_, id := o.split()
		out = append(out, Step{
			ID: "catalogOwner:" + c.name + ":" + id, Description: fmt.Sprintf("Make %s an owner of the catalog %s", o, c.name),
			Method: "POST", Path: "/roleManagement/entitlementManagement/roleAssignments", DependsOn: []string{c.step},
			Body: map[string]any{"principalId": id, "roleDefinitionId": CatalogOwnerRole, "appScopeId": scope},
			Lookup: &Lookup{Path: "/roleManagement/entitlementManagement/roleAssignments?$filter=appScopeId eq '" + scope + "'",
				Match: map[string]string{"principalId": id, "roleDefinitionId": CatalogOwnerRole}},
		})
	}
	return out
}

// pruneStep removes the package's role scopes that the plan no longer
// grants (Graph v1.0, "Remove resourceRoleScope from an access package":
// DELETE .../accessPackages/{id}/resourceRoleScopes/{id}), after its role
// scope steps; steps holds them.
func pruneStep(pkg tenant.Package, pkey, pstep string, steps []Step) Step {
	var keep []string
	for _, st := range steps {
		if !strings.HasPrefix(st.ID, "roleScope:"+pkg.ID+":") || st.Lookup == nil {
			continue
		}
		keep = append(keep, st.Lookup.Match["role.originId"]+"|"+st.Lookup.Match["scope.originId"])
	}
	if keep == nil {
		keep = []string{}
	}
	return Step{
		ID: "prune:" + pkg.ID, Description: "Remove the role scopes of " + pkg.Name + " that the plan no longer grants",
		Method: "GET", Path: em + "/accessPackages/" + ph(pkey+".id") + "/resourceRoleScopes?$expand=role,scope", DependsOn: []string{pstep},
		Prune: &Prune{What: "role scopes of " + pkg.Name, Fields: []string{"role.originId", "scope.originId"}, Keep: keep},
	}
}

// requestPolicyStep creates the policy through which the settings'
// requestors ask for the package themselves, with its approval, questions,
// expiration and reviews.
func requestPolicyStep(pkg tenant.Package, pkey, pstep string, settings PolicySettings) Step {
	name := "Request: " + pkg.Name
	body := map[string]any{"accessPackage": map[string]any{"id": ph(pkey + ".id")},
		"displayName": name, "description": "Users ask for this package; " + string(settings.Requestors) + " may request it",
		"allowedTargetScope": allowedTargetScope[settings.Requestors], "specificAllowedTargets": []any{},
		"expiration": expirationBody(settings.Expiration),
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfUpdateAccess": true,
			"enableTargetsToSelfRemoveAccess": true, "allowCustomAssignmentSchedule": false, "enableOnBehalfRequestorsToAddAccess": false,
			"enableOnBehalfRequestorsToUpdateAccess": false, "enableOnBehalfRequestorsToRemoveAccess": false, "onBehalfRequestors": []any{}},
		"requestApprovalSettings": approvalBody(settings.Approval),
		"questions":               questionsBody(settings.Questions)}
	if settings.Review != nil {
		body["reviewSettings"] = reviewBody(settings.Review)
	}
	return Step{
		ID: "policy:" + pkg.ID + ":request", Description: fmt.Sprintf("Create the assignment policy %q", name),
		Method: "POST", Path: em + "/assignmentPolicies", DependsOn: []string{pstep}, Body: body,
		Lookup: &Lookup{Path: em + "/accessPackages/" + ph(pkey+".id") + "/assignmentPolicies", Match: map[string]string{"displayName": name}},
		Update: policyUpdate,
	}
}

// backfillSteps assign the package directly to users who hold its access
// today: one assignment request each (requestType adminAdd, through the
// direct policy; Graph v1.0, "Create accessPackageAssignmentRequest",
// example 1), skipped for a user the package's assignments already list,
// then a read-back until Entra has delivered every one ("If this is an
// adminAdd request, then subsequently an accessPackageAssignment ... [is]
// also created": the request is answered before the assignment exists).
func backfillSteps(pkg tenant.Package, pkey string, users []string) []Step {
	if len(users) == 0 {
		return nil
	}
	pid := ph(pkey + ".id")
	// Graph v1.0, "List accessPackageAssignments": "$expand=target" returns
	// the subject, and a filter on accessPackage/id selects one package.
	list := em + "/assignments?$filter=accessPackage/id eq '" + pid + "'&$expand=target"
	policy := "policy:" + pkg.ID
	if pkg.Automatic {
		policy += ":direct"
	}
	// A large tenant's back-fill is millions of these steps: what they
	// share is shared (the dependency, the policy placeholder), and the
	// body is a struct, which marshals as the map did (keys in order).
	steps := make([]Step, 0, len(users)+1)
	dependsOn, policyID := []string{policy}, ph(pkey+".directPolicy.id")
	for _, u := range users {
		steps = append(steps, Step{
			ID: "assign:" + pkg.ID + ":" + u, Description: "Assign " + pkg.Name + " directly to user " + u + ", who holds its access",
			Method: "POST", Path: em + "/assignmentRequests", DependsOn: dependsOn,
			Body:   &assignmentRequest{Assignment: assignmentTarget{PackageID: pid, PolicyID: policyID, TargetID: u}, RequestType: "adminAdd"},
			Lookup: &Lookup{Path: list, Match: map[string]string{"target.objectId": u}, Shared: true},
		})
	}
	steps = append(steps, Step{
		ID: "delivered:" + pkg.ID, Description: fmt.Sprintf("Read back the %d direct assignments of %s until Entra has delivered them", len(users), pkg.Name),
		Method: "GET", Path: list, DependsOn: []string{steps[len(steps)-1].ID},
		Await: &Await{What: "direct assignments of " + pkg.Name, Field: "target.objectId", Want: users},
	})
	return steps
}

// assignmentRequest is the body of a back-fill step (Graph v1.0, "Create
// accessPackageAssignmentRequest", example 1), its fields in the order a
// map's keys marshal in.
type assignmentRequest struct {
	Assignment  assignmentTarget `json:"assignment"`
	RequestType string           `json:"requestType"`
}

type assignmentTarget struct {
	PackageID string `json:"accessPackageId"`
	PolicyID  string `json:"assignmentPolicyId"`
	TargetID  string `json:"targetId"`
}

// BuildRollback builds the plan that takes a pilot back (opt.Pilot): for
// every package, the direct assignments of the pilot's users who are not
// in its back-fill are removed (requestType adminRemove with the
// assignment's id; Graph v1.0, "Create accessPackageAssignmentRequest",
// example 2), each only if the assignment is there, and then the list is
// read until they are gone. Nothing else changes: the back-fill stays, and
// no automatic policy was created by the pilot.
func BuildRollback(pkgs []tenant.Package, opt PlanOptions) *Plan {
	p := &Plan{Version: 1, APIVersion: "v1.0", Catalog: cmp.Or(opt.CatalogName, "rolemine proposals"), Skipped: []Skipped{}, Warnings: []string{}, Conflicts: []Conflict{}}
	if opt.Pilot == nil {
		p.Warnings = append(p.Warnings, "no pilot to take back")
		return p
	}
	catalog := p.Catalog
	p.Steps = append(p.Steps, Step{ID: "catalog", Description: "Find the catalog " + catalog, Method: "GET",
		Path:     em + "/catalogs?$filter=displayName eq '" + odataQuote(catalog) + "'",
		Captures: map[string]string{"catalog.id": "value[0].id"}})
	for _, pkg := range pkgs {
		backfill := map[string]bool{}
		for _, u := range opt.Backfill[pkg.ID] {
			backfill[u] = true
		}
		var users []string
		for _, u := range opt.Pilot.Users[pkg.ID] {
			if !backfill[u] {
				users = append(users, u)
			}
		}
		if len(users) == 0 {
			continue
		}
		pkey := "package." + pkg.ID
		pid := ph(pkey + ".id")
		p.Steps = append(p.Steps, Step{ID: "package:" + pkg.ID, Description: "Find the access package " + pkg.Name, Method: "GET",
			Path:     em + "/accessPackages?$filter=displayName eq '" + odataQuote(pkg.Name) + "'&$expand=catalog",
			Captures: map[string]string{pkey + ".id": "value[0].id"}, DependsOn: []string{"catalog"}})
		list := em + "/assignments?$filter=accessPackage/id eq '" + pid + "'&$expand=target"
		for _, u := range users {
			akey := "assignment." + pkg.ID + "." + u + ".id"
			p.Steps = append(p.Steps, Step{
				ID: "unassign:" + pkg.ID + ":" + u, Description: fmt.Sprintf("Remove the pilot assignment of %s from user %s", pkg.Name, u),
				Method: "POST", Path: em + "/assignmentRequests", DependsOn: []string{"package:" + pkg.ID},
				Body: map[string]any{"requestType": "adminRemove", "assignment": map[string]any{"id": ph(akey)}},
				Find: &Lookup{Path: list, Match: map[string]string{"target.objectId": u}, Captures: map[string]string{akey: "id"}, Shared: true},
			})
		}
		p.Steps = append(p.Steps, Step{
			ID: "removed:" + pkg.ID, Description: fmt.Sprintf("Read back the assignments of %s until the %d pilot ones are gone", pkg.Name, len(users)),
			Method: "GET", Path: list, Await: &Await{What: "pilot assignments of " + pkg.Name, Field: "target.objectId", Want: users, Absent: true},
		})
	}
	return p
}

// DirectUsers are the users the plan assigns package p directly: its
// back-fill and, during a pilot, the pilot's users its rule selects.
// Sorted.
func (o PlanOptions) DirectUsers(p tenant.Package) []string {
	if o.Pilot == nil || !p.Automatic {
		return o.Backfill[p.ID]
	}
	out := slices.Concat(o.Backfill[p.ID], o.Pilot.Users[p.ID])
	slices.Sort(out)
	return slices.Compact(out)
}

func odataQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }

// WriteGraphJSON writes the plan as indented JSON (render.WriteJSON), a
// step at a time: the plan of a large tenant is gigabytes of back-fill
// steps, which encoding it whole held in memory a second time (a million
// users: more than the machine's 24 GB).
func WriteGraphJSON(w io.Writer, p *Plan) error {
	if len(p.Steps) == 0 {
		return render.WriteJSON(w, p)
	}
	// The plan around its steps, with an empty list where they go; a
	// string value cannot hold the marker, whose quotes it would escape.
	head := *p
	head.Steps = []Step{}
	var buf bytes.Buffer
	if err := render.WriteJSON(&buf, &head); err != nil {
		return err
	}
	const marker = "\n  \"steps\": []"
	before, after, ok := bytes.Cut(buf.Bytes(), []byte(marker))
	if !ok {
		return fmt.Errorf("graph plan: no steps list in %.200q", buf.Bytes())
	}
	bw := bufio.NewWriter(w)
	bw.Write(before)
	bw.WriteString(strings.TrimSuffix(marker, "]") + "\n")
	var step bytes.Buffer
	enc := json.NewEncoder(&step)
	enc.SetIndent("    ", "  ")
	for i := range p.Steps {
		step.Reset()
		if err := enc.Encode(&p.Steps[i]); err != nil {
			return err
		}
		bw.WriteString("    ")
		bw.Write(bytes.TrimSuffix(step.Bytes(), []byte("\n")))
		if i < len(p.Steps)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("  ]")
	bw.Write(after)
	return bw.Flush()
}
