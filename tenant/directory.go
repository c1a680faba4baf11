package tenant

// Directory is a tenant as read from a directory service (Microsoft Graph),
// ready to be stored as a snapshot: the same users, resources and
// assignments as the input files carry, plus what the source needs to read
// only changes next time.
type Directory struct {
	Users       []User
	Resources   []Resource
	Assignments []Assignment
	// Packages are the access packages that already exist in the tenant.
	Packages []ExistingPackage
	// State is source-specific data kept with the snapshot, such as delta
	// links. It holds no secret.
	State map[string]string
}

// User is a directory user with the attributes mining uses. Attributes
// holds further attributes by name.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	JobTitle          string
	Department        string
	CompanyName       string
	EmployeeType      string
	AccountEnabled    *bool
	UserType          string
	ManagerID         string
	Attributes        map[string]string
}

// Assignment is a grant of an entitlement to a user.
type Assignment struct {
	UserID     string
	ResourceID string
	Role       string
}

// ExistingPackage is an access package found in the tenant: what it grants
// and who is assigned it.
type ExistingPackage struct {
	ID           string
	DisplayName  string
	CatalogID    string
	Entitlements []Entitlement
	Assignees    []string
}
