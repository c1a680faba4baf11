package graphfake

import (
	"crypto/sha1"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// GUID derives a stable GUID from parts.
func GUID(parts ...string) string {
	h := sha1.New()
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	b := h.Sum(nil)
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// FromFiles builds a tenant from rolemine's input files (users.csv,
// resources.csv, assignments.csv in dir), as Graph would show it: groups
// with their Member and Owner grants; applications as service principals
// whose app roles are the roles granted; a site as a Microsoft 365 group
// whose owners hold Full Control and whose members hold Edit (Graph v1.0
// does not list a site's visitors, so Read grants are left out).
func FromFiles(dir string) (*Tenant, error) {
	users, err := readCSV(filepath.Join(dir, "users.csv"))
	if err != nil {
		return nil, err
	}
	resources, err := readCSV(filepath.Join(dir, "resources.csv"))
	if err != nil {
		return nil, err
	}
	assignments, err := readCSV(filepath.Join(dir, "assignments.csv"))
	if err != nil {
		return nil, err
	}
	t := &Tenant{}
	for _, u := range users {
		t.Users = append(t.Users, User{ID: u["id"], UserPrincipalName: u["userPrincipalName"], DisplayName: u["displayName"],
			JobTitle: u["jobTitle"], Department: u["department"], CompanyName: u["companyName"], EmployeeType: u["employeeType"],
			AccountEnabled: u["accountEnabled"] != "false", UserType: u["userType"], ManagerID: u["managerId"]})
	}
	byRes := map[string][]map[string]string{}
	for _, a := range assignments {
		byRes[a["resourceId"]] = append(byRes[a["resourceId"]], a)
	}
	for _, r := range resources {
		id, name := r["id"], r["displayName"]
		switch r["type"] {
		case "group":
			g := Group{ID: id, DisplayName: name}
			for _, a := range byRes[id] {
				if a["role"] == "Owner" {
					g.Owners = append(g.Owners, a["userId"])
				} else {
					g.Members = append(g.Members, a["userId"])
				}
			}
			t.Groups = append(t.Groups, g)
		case "application":
			sp := ServicePrincipal{ID: id, AppID: GUID("app", id), DisplayName: name}
			for _, a := range byRes[id] {
				role := a["role"]
				k := slices.IndexFunc(sp.AppRoles, func(x AppRole) bool { return x.Value == role })
				if k < 0 {
					sp.AppRoles = append(sp.AppRoles, AppRole{ID: GUID("role", id, role), Value: role, DisplayName: appRoleName(role)})
					k = len(sp.AppRoles) - 1
				}
				sp.Assigned = append(sp.Assigned, RoleAssignment{ID: GUID("assignment", id, a["userId"], role)[:22],
					AppRoleID: sp.AppRoles[k].ID, PrincipalID: a["userId"], PrincipalType: "User"})
			}
			t.ServicePrincipals = append(t.ServicePrincipals, sp)
		case "site":
			g := Group{ID: GUID("site-group", id), DisplayName: name, Unified: true,
				Site: &Site{ID: "contoso.sharepoint.com," + GUID("site", id) + "," + GUID("web", id), Name: name, WebURL: id}}
			for _, a := range byRes[id] {
				switch a["role"] {
				case "Full Control":
					g.Owners = append(g.Owners, a["userId"])
				case "Edit":
					g.Members = append(g.Members, a["userId"])
				}
			}
			t.Groups = append(t.Groups, g)
		}
	}
	// One access package exists already: the largest security group, held
	// by its members.
	largest := -1
	for i, g := range t.Groups {
		if !g.Unified && (largest < 0 || len(g.Members) > len(t.Groups[largest].Members)) {
			largest = i
		}
	}
	if largest >= 0 {
		g := t.Groups[largest]
		t.AccessPackages = append(t.AccessPackages, AccessPackage{ID: GUID("existing", g.ID), DisplayName: "Legacy: " + g.DisplayName,
			CatalogID: GUID("catalog", "general"), Assignees: g.Members,
			Scopes: []Scope{{OriginID: g.ID, OriginSystem: "AadGroup", RoleOriginID: "Member_" + g.ID, RoleDisplayName: "Member"}}})
	}
	return t, nil
}

// Synthetic builds a tenant of n users and g groups with m direct group
// memberships in all, a tenth of the groups Microsoft 365 groups with a
// site, one owner per group, and a few applications with role assignments:
// the scale mode of the fake server.
func Synthetic(n, g, m int, seed uint64) *Tenant {
	rng := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	t := &Tenant{Users: make([]User, n), Groups: make([]Group, g)}
	titles := []string{"Account Executive", "Software Engineer", "Support Specialist", "Accountant", "Buyer", "Recruiter"}
	depts := []string{"Sales", "Engineering", "Customer Support", "Finance", "Procurement", "Human Resources"}
	for i := range t.Users {
		k := rng.IntN(len(titles))
		t.Users[i] = User{ID: GUID("user", strconv.Itoa(i)), UserPrincipalName: fmt.Sprintf("user%d@contoso.com", i),
			DisplayName: fmt.Sprintf("User %d", i), JobTitle: titles[k], Department: depts[k], CompanyName: "Contoso",
			EmployeeType: "Employee", AccountEnabled: true, UserType: "Member"}
	}
	for i := range t.Groups {
		grp := Group{ID: GUID("group", strconv.Itoa(i)), DisplayName: fmt.Sprintf("SG-Synthetic-%d", i)}
		if i%10 == 0 {
			grp.Unified = true
			grp.DisplayName = fmt.Sprintf("Team %d", i)
			grp.Site = &Site{ID: "contoso.sharepoint.com," + GUID("site", strconv.Itoa(i)) + "," + GUID("web", strconv.Itoa(i)),
				Name: grp.DisplayName, WebURL: fmt.Sprintf("https://contoso.sharepoint.com/sites/team%d", i)}
		}
		grp.Owners = []string{t.Users[rng.IntN(n)].ID}
		t.Groups[i] = grp
	}
	// Memberships: skewed towards low-numbered groups, without duplicates.
	seen := make(map[[2]int32]bool, m)
	for len(seen) < m {
		gi := int32(min(g-1, int(float64(g)*rng.Float64()*rng.Float64())))
		ui := int32(rng.IntN(n))
		if seen[[2]int32{gi, ui}] {
			continue
		}
		seen[[2]int32{gi, ui}] = true
		t.Groups[gi].Members = append(t.Groups[gi].Members, t.Users[ui].ID)
	}
	for a := range 20 {
		sp := ServicePrincipal{ID: GUID("sp", strconv.Itoa(a)), AppID: GUID("app", strconv.Itoa(a)), DisplayName: fmt.Sprintf("App %d", a)}
		for r := range 3 {
			sp.AppRoles = append(sp.AppRoles, AppRole{ID: GUID("role", strconv.Itoa(a), strconv.Itoa(r)), Value: fmt.Sprintf("Role.%d", r)})
		}
		for k := range n / 50 {
			u := t.Users[rng.IntN(n)].ID
			sp.Assigned = append(sp.Assigned, RoleAssignment{ID: GUID("as", strconv.Itoa(a), strconv.Itoa(k))[:22],
				AppRoleID: sp.AppRoles[rng.IntN(3)].ID, PrincipalID: u, PrincipalType: "User"})
		}
		// One group assignment per app: its members get the role.
		grp := t.Groups[rng.IntN(g)]
		sp.Assigned = append(sp.Assigned, RoleAssignment{ID: GUID("asg", strconv.Itoa(a))[:22], AppRoleID: sp.AppRoles[0].ID,
			PrincipalID: grp.ID, PrincipalType: "Group"})
		t.ServicePrincipals = append(t.ServicePrincipals, sp)
	}
	return t
}

// appRoleName is an app role's display name, which apps word for people
// ("AP Clerk") apart from the value that tokens and assignments carry
// ("AP.Clerk").
func appRoleName(value string) string {
	return strings.TrimSpace(strings.NewReplacer(".", " ", "_", " ", "-", " ").Replace(value)) + " role"
}
