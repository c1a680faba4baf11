// Package mining is rolemine's role-mining core.
//
// It works on a [Dataset]: a sparse user×entitlement matrix in compressed
// sparse row (CSR) form, plus dictionary-encoded user attribute columns
// (job title, department and any other attribute). Users and entitlements are
// dense indices; the package knows nothing of identifiers, Microsoft Entra,
// DuckDB or files. Adapters (the store, the report and export packages)
// translate to and from these indices.
//
// # Job-function mining
//
// [JobFunctions] is attribute-first mining: it groups the eligible users
// (enabled, human members) by the normalised values of the chosen attributes
// (for example jobTitle and department) and proposes, for every group with
// enough members, the entitlements that at least a threshold share of the
// group holds. Entitlements that nearly every eligible user holds form one
// birthright package instead. Every package carries the attribute conditions
// that select its users, so that an adapter can turn them into an automatic
// assignment rule; when a rule would select more users than an assignment
// policy allows, the package is split by a further attribute.
//
// Cost: one pass over the matrix to count entitlement holders per group,
// O(|assignments| + |users|·|by|), and memory linear in the matrix.
//
// # Rules of the package
//
// The package is pure and deterministic: the same Dataset and Options give
// the same Result. It never prints or performs I/O; long work reports
// progress through the Options.Progress callback and stops when its context
// is cancelled. It imports only the standard library, gonum and its own
// sub-packages; a test in internal/archtest enforces this.
package mining
