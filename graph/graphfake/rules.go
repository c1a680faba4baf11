package graphfake

import (
	"strings"
	"time"
)

// An automatic assignment policy assigns, in the background, every user its
// rule selects (Microsoft Learn, "Configure an automatic assignment policy
// for an access package": users who match the rule are assigned, and
// Entra answers the policy's creation before it does). The fake evaluates
// the rules rolemine writes: clauses (user.<property> -eq <value>) and
// (user.<property> -in [<values>]) joined by -and, compared without regard
// to case, over the properties the fake's users hold.

// evalRule reports whether the rule selects u; ok is false when the rule
// is not of that form or names a property the fake does not hold.
func evalRule(rule string, u User) (match, ok bool) {
	s := strings.TrimSpace(rule)
	match = true
	for s != "" {
		if rest, found := strings.CutPrefix(s, "-and"); found {
			s = strings.TrimSpace(rest)
			continue
		}
		if !strings.HasPrefix(s, "(user.") {
			return false, false
		}
		s = s[len("(user."):]
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return false, false
		}
		prop := s[:i]
		s = strings.TrimSpace(s[i:])
		var values []string
		switch {
		case strings.HasPrefix(s, "-eq "):
			v, rest, ok := ruleValue(strings.TrimSpace(s[4:]))
			if !ok {
				return false, false
			}
			values, s = []string{v}, rest
		case strings.HasPrefix(s, "-in ["):
			s = s[len("-in ["):]
			for {
				v, rest, ok := ruleValue(strings.TrimSpace(s))
				if !ok {
					return false, false
				}
				values = append(values, v)
				s = strings.TrimSpace(rest)
				if strings.HasPrefix(s, ",") {
					s = s[1:]
					continue
				}
				if !strings.HasPrefix(s, "]") {
					return false, false
				}
				s = s[1:]
				break
			}
		default:
			return false, false
		}
		s = strings.TrimSpace(s)
		if !strings.HasPrefix(s, ")") {
			return false, false
		}
		s = strings.TrimSpace(s[1:])
		have, known := userProperty(u, prop)
		if !known {
			return false, false
		}
		hit := false
		for _, v := range values {
			hit = hit || strings.EqualFold(v, have)
		}
		match = match && hit
	}
	return match, true
}

// ruleValue reads a quoted string (with backtick escapes), true, false or
// null at the start of s.
func ruleValue(s string) (v, rest string, ok bool) {
	for _, lit := range []string{"true", "false", "null"} {
		if rest, found := strings.CutPrefix(s, lit); found {
			if lit == "null" {
				return "", rest, true
			}
			return lit, rest, true
		}
	}
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '`':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false
}

func userProperty(u User, prop string) (string, bool) {
	switch strings.ToLower(prop) {
	case "usertype":
		if u.UserType == "" {
			return "Member", true
		}
		return u.UserType, true
	case "accountenabled":
		if u.AccountEnabled {
			return "true", true
		}
		return "false", true
	case "jobtitle":
		return u.JobTitle, true
	case "department":
		return u.Department, true
	case "companyname":
		return u.CompanyName, true
	case "employeetype":
		return u.EmployeeType, true
	}
	return "", false
}

// autoAssign schedules, for an automatic policy, the assignment of every
// user its rule selects who has none to the package yet.
func (s *Server) autoAssign(policy EMObject) {
	targets, _ := policy["specificAllowedTargets"].([]any)
	if len(targets) == 0 {
		return
	}
	t, _ := targets[0].(map[string]any)
	rule, _ := t["membershipRule"].(string)
	pkgID := get(policy, "accessPackage.id")
	pkg := s.packageByID(pkgID)
	has := map[string]bool{}
	for _, a := range s.em.assignments {
		if get(a, "accessPackage.id") == pkgID {
			has[get(a, "target.objectId")] = true
		}
	}
	for _, p := range s.em.pending {
		if get(p.obj, "accessPackage.id") == pkgID {
			has[get(p.obj, "target.objectId")] = true
		}
	}
	for _, u := range s.tenant.Users {
		if has[u.ID] {
			continue
		}
		if match, ok := evalRule(rule, u); !ok || !match {
			continue
		}
		s.em.pending = append(s.em.pending, pendingAssignment{at: time.Now().Add(s.writeFaults.DeliveryDelay), obj: EMObject{
			"id": s.em.id("assignment"), "state": "delivering", "status": "Delivering",
			"target":           EMObject{"id": GUID("subject", u.ID), "objectId": u.ID, "subjectType": "user"},
			"accessPackage":    EMObject{"id": pkgID, "displayName": get(pkg, "displayName")},
			"assignmentPolicy": EMObject{"id": policy["id"]}}})
	}
}

// AssignedUsers returns the users an access package (by display name) is
// assigned to, delivered or still on the way.
func (s *Server) AssignedUsers(name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.em.assignments {
		if get(a, "accessPackage.displayName") == name {
			out = append(out, get(a, "target.objectId"))
		}
	}
	for _, p := range s.em.pending {
		if get(p.obj, "accessPackage.displayName") == name {
			out = append(out, get(p.obj, "target.objectId"))
		}
	}
	return out
}
