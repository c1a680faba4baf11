// Package bench runs rolemine end to end on generated tenants, the way
// `rolemine demo` and `rolemine bench tenant` do: generate, ingest, mine,
// report and export with the use cases of internal/pipeline, timing each
// stage (Tenant), writing every output with a README (Demo), and scoring
// the results against the ground truth the generator planted (Evaluate).
// Its golden tests pin every number of the outputs on two small tenants.
package bench
