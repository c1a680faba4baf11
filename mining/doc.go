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
// With Options.Variants, each group is also searched for variants: the
// entitlements that a sizeable share of its members hold below the
// threshold are covered by the structural miner ([Cover], WSC objective,
// 10% noise) on the group's submatrix, and every cohesive block becomes a
// Variant package on top of the group's, with a rule when an attribute
// describes its members.
//
// Cost: one pass over the matrix to count entitlement holders per group,
// O(|assignments| + |users|·|by|), and memory linear in the matrix. Groups
// are mined in parallel, each worker with its own counters; the result does
// not depend on the number of workers.
//
// # Structural role mining
//
// [Cover] finds roles (bicliques of the matrix) whose union reproduces the
// matrix exactly. With the MinRoles objective it looks for the fewest roles
// and proves optimality when it can:
//
//  1. Reduce: merge identical users and identical permissions; drop a user
//     whose row is the union of strictly smaller rows, and likewise a
//     permission; repeat to a fixpoint. Each step is logged.
//  2. Split into connected components of the bipartite graph.
//  3. Per component, enumerate the concepts (maximal bicliques) by
//     incremental intersection closure on the narrower side. Some optimal
//     cover uses only concepts.
//  4. Kernelize the set cover of the component's cells by concepts: an
//     element in one set fixes it, a set inside another is dropped, an
//     element whose sets include another element's is dropped.
//  5. Solve the kernel by branch and bound, branching on the element with
//     the fewest sets, bounded below by a packing of elements that share no
//     set and above by the greedy cover and the one-concept-per-column
//     cover.
//  6. Rebuild the roles on the full matrix by undoing the log in reverse,
//     then trim incidences that other roles make redundant.
//
// Budgets on concepts and search nodes keep unseen inputs bounded. Past
// them (dense components of many overlapping roles, where the concepts
// explode) a component is covered from candidates it did not enumerate:
// concepts grown from pairs of rows and of columns (what a pair shares,
// the rows whose share of it is far above chance, the columns most of
// those hold, a few rounds to a role; seeded.go), taken greedily with a
// guided fill-in for what is left, fragments of one role merged back,
// and roles widened to the rows a chance column kept out; the greedy
// cover over the concepts found is kept when smaller. A fooling set
// (cells no two of which one role can hold) bounds such a component from
// below, and the result says it is not proved unless the cover meets the
// bound. [VerifyCover] checks any cover against the matrix
// independently.
//
// The MinWSC objective minimises |R|+|UA|+|PA| with the weighted set-cover
// greedy over the concepts of the merged matrix, each candidate restricted
// at pick time to the users and permissions with uncovered cells, then
// trimmed. MaxNoise drops the roles that cover the fewest assignments on
// their own while the uncovered assignments stay within the budget; those
// are returned as exceptions, and no role ever grants access the matrix
// does not hold.
//
// # Rules of the package
//
// The package is pure and deterministic: the same Dataset and Options give
// the same Result. It never prints or performs I/O; long work reports
// progress through the Options.Progress callback and stops when its context
// is cancelled. It imports only the standard library, gonum and its own
// sub-packages; a test in internal/archtest enforces this.
package mining
