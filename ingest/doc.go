// Package ingest holds rolemine's readers of sources that the DuckDB store
// does not read itself. Its sub-package matrix reads bare user×permission
// matrices in the benchmark formats.
package ingest
