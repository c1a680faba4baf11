package tenantgen

// department is a template for one department of the synthetic company.
type department struct {
	name   string
	weight float64
	apps   []app
	titles []title
	// territories split the department's people by sales territory: each
	// member holds the group of exactly one (a regional split that a
	// separation-of-duties review should keep apart).
	territories []string
}

type app struct {
	name  string
	roles []string
}

type title struct {
	name    string
	weight  float64
	manager bool // managers own the department group and have Full Control on its site
	// variant names a job function hidden inside the title: part of its
	// users hold a further bundle and sit in a cost centre of their own.
	variant string
}

// catalog is the company template. Weights are skewed on purpose: a few
// large functions and a long tail of small ones, as in real tenants.
var catalog = []department{
	{name: "Sales", weight: 0.22,
		apps: []app{{"Salesforce", []string{"Sales.User", "Opportunity.Edit", "Forecast.Read", "Quote.Approve", "Territory.Manage", "Reports.Read"}},
			{"Gong", []string{"Recorder", "Coach", "Analyst"}}},
		titles: []title{{"Account Executive", 0.34, false, ""}, {"Sales Development Representative", 0.24, false, ""}, {"Sales Engineer", 0.14, false, "Pre-sales"},
			{"Sales Manager", 0.1, true, ""}, {"Sales Operations Analyst", 0.1, false, ""}, {"Regional Sales Director", 0.04, true, ""}},
		territories: []string{"Americas", "EMEA", "APAC"}},
	{name: "Engineering", weight: 0.2,
		apps: []app{{"GitHub Enterprise", []string{"Member", "Maintainer", "Admin", "Security.Manager"}},
			{"Azure DevOps", []string{"Contributor", "Reader", "Project.Admin", "Release.Approver"}},
			{"PagerDuty", []string{"Responder", "Manager", "Observer"}}},
		titles: []title{{"Software Engineer", 0.38, false, "Platform"}, {"Senior Software Engineer", 0.24, false, ""}, {"DevOps Engineer", 0.12, false, ""},
			{"QA Analyst", 0.1, false, ""}, {"Engineering Manager", 0.09, true, ""}, {"Principal Engineer", 0.05, false, ""}}},
	{name: "Customer Support", weight: 0.13,
		apps: []app{{"ServiceNow", []string{"itil", "agent", "kb_writer", "kb_approver", "sla_manager"}},
			{"Zendesk", []string{"Agent", "Light Agent", "Team Lead", "Admin"}}},
		titles: []title{{"Support Specialist", 0.55, false, "Tier 2"}, {"Senior Support Specialist", 0.22, false, ""}, {"Support Team Lead", 0.12, true, ""},
			{"Knowledge Manager", 0.06, false, ""}, {"Support Operations Analyst", 0.05, false, ""}}},
	{name: "Operations", weight: 0.1,
		apps: []app{{"SAP EWM", []string{"Warehouse.Clerk", "Inventory.Adjust", "Shipping.Release", "Yard.Manage"}},
			{"Tableau", []string{"Viewer", "Explorer", "Creator"}}},
		titles: []title{{"Operations Coordinator", 0.45, false, ""}, {"Logistics Analyst", 0.25, false, ""}, {"Warehouse Supervisor", 0.18, true, ""},
			{"Operations Manager", 0.12, true, ""}}},
	{name: "Finance", weight: 0.08,
		apps: []app{{"SAP S/4HANA", []string{"AP.Invoice.Entry", "AP.Payment.Approve", "GL.Journal.Post", "GL.Journal.Approve", "Treasury.Admin", "Vendor.Master.Edit", "Payroll.Run"}},
			{"Workday Financials", []string{"Expense.Audit", "Budget.Edit", "Report.Writer"}}},
		titles: []title{{"Accountant", 0.3, false, ""}, {"Accounts Payable Specialist", 0.22, false, ""}, {"Payroll Clerk", 0.15, false, ""},
			{"Financial Analyst", 0.15, false, ""}, {"Senior Accountant", 0.1, false, ""}, {"Controller", 0.08, true, ""}}},
	{name: "Marketing", weight: 0.07,
		apps: []app{{"Marketo", []string{"Marketing.User", "Campaign.Publish", "Admin"}},
			{"Adobe Experience Manager", []string{"Author", "Publisher", "Reviewer"}}},
		titles: []title{{"Marketing Specialist", 0.4, false, ""}, {"Content Manager", 0.22, false, ""}, {"Digital Marketing Analyst", 0.22, false, ""},
			{"Marketing Manager", 0.16, true, ""}}},
	{name: "IT", weight: 0.06,
		apps: []app{{"ServiceNow ITSM", []string{"itil_admin", "change_manager", "asset_manager", "security_admin"}},
			{"Microsoft Intune", []string{"Help Desk Operator", "Policy and Profile Manager", "Endpoint Security Manager"}}},
		titles: []title{{"IT Support Technician", 0.4, false, ""}, {"Systems Administrator", 0.22, false, ""}, {"Network Engineer", 0.15, false, ""},
			{"Security Analyst", 0.13, false, ""}, {"IT Manager", 0.1, true, ""}}},
	{name: "Human Resources", weight: 0.05,
		apps: []app{{"Workday HCM", []string{"HR.Partner", "Recruiter", "Compensation.Edit", "Benefits.Admin", "Worker.Data.View"}},
			{"Greenhouse", []string{"Recruiter", "Interviewer", "Hiring.Manager"}}},
		titles: []title{{"HR Business Partner", 0.3, false, ""}, {"Recruiter", 0.3, false, ""}, {"HR Coordinator", 0.25, false, ""},
			{"HR Manager", 0.15, true, ""}}},
	{name: "Procurement", weight: 0.03,
		apps:   []app{{"Coupa", []string{"Requisitioner", "Buyer", "Approver", "Supplier.Manage"}}},
		titles: []title{{"Buyer", 0.5, false, ""}, {"Vendor Manager", 0.3, false, ""}, {"Procurement Manager", 0.2, true, ""}}},
	{name: "Product", weight: 0.03,
		apps: []app{{"Jira Product Discovery", []string{"Contributor", "Creator", "Admin"}},
			{"Figma", []string{"Viewer", "Editor", "Admin"}}},
		titles: []title{{"Product Manager", 0.45, false, ""}, {"UX Designer", 0.35, false, ""}, {"Senior Product Manager", 0.2, true, ""}}},
	{name: "Legal", weight: 0.02,
		apps:   []app{{"iManage", []string{"Reader", "Author", "Records.Admin"}}},
		titles: []title{{"Corporate Counsel", 0.4, false, ""}, {"Paralegal", 0.4, false, ""}, {"Contracts Manager", 0.2, true, ""}}},
}

// birthrightApps are held by every employee.
var birthrightApps = []app{
	{"Workday", []string{"Employee"}},
	{"Concur", []string{"User"}},
}

// serviceApps hold the app roles that service accounts use.
var serviceApps = []app{
	{"Backup Service", []string{"Backup.Operator", "Restore.Operator"}},
	{"Monitoring Agent", []string{"Metrics.Write", "Logs.Write"}},
}

var regions = []string{"EMEA", "AMER", "APAC", "LATAM", "ANZ", "DACH", "Nordics", "Benelux", "Iberia", "Japan"}

var firstNames = []string{"Ava", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas",
	"Kemi", "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
	"Wen", "Ximena", "Yusuf", "Zoe", "Aaron", "Beatriz", "Carlos", "Dana", "Emil", "Fatima", "Gustav",
	"Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nadia"}

var lastNames = []string{"Smith", "Garcia", "Müller", "Nguyen", "Okafor", "Rossi", "Kowalski", "Tanaka",
	"Johansson", "Dubois", "Patel", "O'Brien", "Silva", "Kim", "Novak", "Haddad", "Larsen", "Moreau",
	"Schmidt", "Jensen", "Costa", "Ivanova", "Chen", "Walker", "Ahmed", "Fischer", "Lopez", "Brown",
	"Yilmaz", "Mensah"}

// titleVariants rewrites a title the way people type it: abbreviations,
// case and spacing, all of which a normaliser can fold back.
var titleVariants = []func(string) string{
	func(s string) string { return replaceWord(s, "Senior", "Sr.") },
	func(s string) string { return replaceWord(s, "Manager", "Mgr") },
	func(s string) string { return replaceWord(s, "Representative", "Rep") },
	func(s string) string { return replaceWord(s, "Engineer", "Eng.") },
	func(s string) string { return replaceWord(s, "Specialist", "Spec.") },
	func(s string) string { return replaceWord(s, "Coordinator", "Coord.") },
	func(s string) string { return replaceWord(s, "Administrator", "Admin") },
	func(s string) string { return replaceWord(s, "Technician", "Tech") },
	lowerASCII,
	upperASCII,
	func(s string) string { return " " + s + "  " },
	func(s string) string { return doubleSpace(s) },
}
