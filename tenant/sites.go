package tenant

import "strings"

// siteGroups are a SharePoint site's default groups and the permission
// level each carries: Owners have Full Control, Members Edit, Visitors Read
// (Microsoft Learn, "Understanding permission levels in SharePoint"). In
// an entitlement-management catalog a site's roles are these groups, named
// "<site> Owners" and so on, not the permission levels.
var siteGroups = []struct{ suffix, level string }{
	{"Owners", "Full Control"},
	{"Members", "Edit"},
	{"Visitors", "Read"},
}

// SiteGroup returns the suffix of the default site group that grants a site
// role given as a permission level ("Edit", and "Contribute" of classic
// sites) or as a group's suffix ("Members", "member"); false otherwise.
func SiteGroup(role string) (string, bool) {
	role = strings.TrimSpace(role)
	if strings.EqualFold(role, "Contribute") {
		return "Members", true
	}
	for _, g := range siteGroups {
		if strings.EqualFold(role, g.level) || strings.EqualFold(role, g.suffix) || strings.EqualFold(role+"s", g.suffix) {
			return g.suffix, true
		}
	}
	return "", false
}

// SiteLevel returns the permission level a site group carries, from its
// name ("Finance Members" → "Edit"); false for a custom group.
func SiteLevel(group string) (string, bool) {
	name := strings.ToLower(strings.TrimSpace(group))
	for _, g := range siteGroups {
		if strings.HasSuffix(name, strings.ToLower(g.suffix)) {
			return g.level, true
		}
	}
	return "", false
}
