package tenant

import "strings"

// SensitiveRole reports whether a role grants privileged access: owner and
// administrator roles, Full Control on sites, approvals and management.
func SensitiveRole(role string) bool {
	r := strings.ToLower(role)
	for _, w := range []string{"owner", "admin", "full control", "approve", "approver", "manage", "security", "treasury", "root", "privileged"} {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
}
