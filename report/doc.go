// Package report computes what compliance teams review: overprovisioning
// (access that a user's job-function and birthright packages do not explain
// and that few of their peers hold) and separation-of-duties findings (users
// who hold both sides of a rule today, packages that would grant both
// sides). Findings carry a plain-language reason and peer statistics.
//
// The package works on a loaded snapshot (tenant.Data) and proposed
// packages; it performs no I/O beyond writing rendered reports to the
// io.Writer it is given. Renderers escape every value that came from the
// tenant: CSV cells are neutralised against spreadsheet formula injection.
package report
