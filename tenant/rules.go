package tenant

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// MaxPolicyUsers is the most users one automatic assignment policy's rule
// may select: "The rules can include up to 15,000 users per policy"
// (Microsoft Learn, "Configure an automatic assignment policy for an access
// package in entitlement management", Before you begin). It is the default
// of mining's MaxRuleUsers.
const MaxPolicyUsers = 15000

// ruleProperties are the user properties that Entra's dynamic membership
// rules, and so automatic assignment policies, can evaluate. "The attributes
// you can use in the rules criteria of an access package assignment policy
// are those attributes listed in supported properties, along with extension
// attributes and custom extension properties" (Microsoft Learn, "Configure
// an automatic assignment policy ..."); the supported properties are the
// tables of "Manage rules for dynamic membership groups in Microsoft Entra
// ID" (boolean, date/time, string; the string collections and memberOf take
// other operators than -eq/-in and are left out). employeeType and
// officeLocation are not in those tables: officeLocation is Graph's name of
// physicalDeliveryOfficeName (below), employeeType has no rule property.
var ruleProperties = []string{
	"accountEnabled", "dirSyncEnabled", "employeeHireDate",
	"city", "country", "companyName", "department", "displayName", "employeeId", "facsimileTelephoneNumber",
	"givenName", "jobTitle", "mail", "mailNickName", "mobile", "objectId", "onPremisesDistinguishedName",
	"onPremisesSecurityIdentifier", "passwordPolicies", "physicalDeliveryOfficeName", "postalCode",
	"preferredLanguage", "sipProxyAddress", "state", "streetAddress", "surname", "telephoneNumber",
	"usageLocation", "userPrincipalName", "userType",
}

// graphAliases maps Microsoft Graph user property names (the input files'
// column names) to the rule property that holds the same value where the
// two differ.
var graphAliases = map[string]string{
	"officelocation": "physicalDeliveryOfficeName",
	"mobilephone":    "mobile",
	"faxnumber":      "facsimileTelephoneNumber",
	"id":             "objectId",
}

// Extension attributes (extensionAttribute1-15, synced from Active
// Directory) and directory extensions (extension_<app id without dashes>_
// <name>) may appear in rules too ("Extension attributes and custom
// extension properties", same page).
var (
	extensionAttribute = regexp.MustCompile(`(?i)^extensionAttribute([1-9]|1[0-5])$`)
	directoryExtension = regexp.MustCompile(`^extension_[0-9a-fA-F]{32}_[A-Za-z0-9_]+$`)
)

// canonicalProperty returns the rule property name a property spelled in
// any case stands for.
func canonicalProperty(name string) (string, bool) {
	for _, p := range ruleProperties {
		if strings.EqualFold(p, name) {
			return p, true
		}
	}
	if m := extensionAttribute.FindStringSubmatch(name); m != nil {
		return "extensionAttribute" + m[1], true
	}
	if directoryExtension.MatchString(name) {
		return name, true
	}
	return "", false
}

// RuleProperties tells which rule property an input attribute is evaluated
// as: its own name when Entra supports it, a Graph alias (officeLocation),
// or what the user mapped it to (a cost centre column to
// extensionAttribute3). The zero value knows the built-in names only.
type RuleProperties struct {
	mapped map[string]string // lower-case attribute → rule property
}

// NewRuleProperties returns RuleProperties with the user's mappings, given
// as attribute=property (costCenter=extensionAttribute3). A property
// outside Entra's supported list is refused.
func NewRuleProperties(mappings []string) (*RuleProperties, error) {
	r := &RuleProperties{mapped: map[string]string{}}
	for _, m := range mappings {
		attr, prop, ok := strings.Cut(m, "=")
		attr, prop = strings.TrimSpace(attr), strings.TrimSpace(prop)
		if !ok || attr == "" || prop == "" {
			return nil, fmt.Errorf("rule attribute mapping %q: want attribute=property, e.g. costCenter=extensionAttribute3", m)
		}
		canon, ok := canonicalProperty(strings.TrimPrefix(prop, "user."))
		if !ok {
			return nil, fmt.Errorf("rule attribute mapping %q: %s is not a property Entra's assignment rules can evaluate (%s)", m, prop, supportedRulePropertiesHint)
		}
		r.mapped[strings.ToLower(attr)] = canon
	}
	return r, nil
}

// supportedRulePropertiesHint names what a mapping may target.
const supportedRulePropertiesHint = "jobTitle, department, companyName, physicalDeliveryOfficeName, city, country, state, usageLocation, employeeId, extensionAttribute1-15, extension_<appId>_<name>, ..."

// Property returns the rule property attribute attr is evaluated as, and
// false when Entra cannot evaluate it.
func (r *RuleProperties) Property(attr string) (string, bool) {
	if r != nil {
		if p, ok := r.mapped[strings.ToLower(attr)]; ok {
			return p, true
		}
	}
	if p, ok := graphAliases[strings.ToLower(attr)]; ok {
		return p, true
	}
	return canonicalProperty(attr)
}

// Evaluable reports whether Entra can evaluate a rule on attr.
func (r *RuleProperties) Evaluable(attr string) bool {
	_, ok := r.Property(attr)
	return ok
}

// Mappings returns the user's mappings as attribute=property, sorted.
func (r *RuleProperties) Mappings() []string {
	if r == nil {
		return nil
	}
	var out []string
	for a, p := range r.mapped {
		out = append(out, a+"="+p)
	}
	slices.Sort(out)
	return out
}

// unevaluable returns the attributes of conds that Entra cannot evaluate.
func (r *RuleProperties) unevaluable(conds []Condition) []string {
	var out []string
	for _, c := range conds {
		if !r.Evaluable(c.Attribute) && !slices.Contains(out, c.Attribute) {
			out = append(out, c.Attribute)
		}
	}
	return out
}

// MembershipRule formats conditions as an Entra dynamic membership rule, as
// used by automatic assignment policies: one clause per condition joined by
// -and, -eq for one value, -in for several, -eq null for a missing value,
// each on the rule property its attribute is evaluated as. Every rule
// selects member accounts only (user.userType -eq "Member": guests are never
// assigned a job function's access by rule); the birthright rule also
// selects only enabled accounts. A condition on an attribute Entra cannot
// evaluate is written with the attribute's own name; Packages makes such a
// package a direct-assignment one instead.
func (r *RuleProperties) MembershipRule(birthright bool, conds []Condition) string {
	clauses := []string{`(user.userType -eq "Member")`}
	if birthright {
		clauses = append(clauses, `(user.accountEnabled -eq true)`)
	}
	for _, c := range conds {
		name, ok := r.Property(c.Attribute)
		if !ok {
			name = c.Attribute
		}
		prop := "user." + name
		switch len(c.Values) {
		case 0:
			clauses = append(clauses, "("+prop+" -eq null)")
		case 1:
			clauses = append(clauses, "("+prop+" -eq "+ruleString(c.Values[0])+")")
		default:
			q := make([]string, len(c.Values))
			for i, v := range c.Values {
				q[i] = ruleString(v)
			}
			clauses = append(clauses, "("+prop+" -in ["+strings.Join(q, ",")+"])")
		}
	}
	return strings.Join(clauses, " -and ")
}

// MembershipRule formats conditions with the built-in rule properties (see
// RuleProperties.MembershipRule).
func MembershipRule(birthright bool, conds []Condition) string {
	return (*RuleProperties)(nil).MembershipRule(birthright, conds)
}

// ruleString quotes a value for a membership rule; a double quote inside is
// escaped with a backtick, as Entra's rule syntax requires.
func ruleString(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, "`", "``"), `"`, "`\"") + `"`
}

// RuleProperty matches the user.<property> names in a membership rule.
var RuleProperty = regexp.MustCompile(`user\.([A-Za-z0-9_]+)`)

// RulePropertiesUsed returns the properties a membership rule names, to
// check them against what Entra evaluates.
func RulePropertiesUsed(rule string) []string {
	var out []string
	for _, m := range RuleProperty.FindAllStringSubmatch(rule, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// IsRuleProperty reports whether name is, exactly as spelled, a property
// Entra's rules evaluate.
func IsRuleProperty(name string) bool {
	p, ok := canonicalProperty(name)
	return ok && p == name
}
