// Package ingest holds the file side of `rolemine ingest files`: the
// files of one ingest (FileSet) and their formats (DetectFormat), and
// reading them as people have them (Source: CSV as Excel writes it, with
// semicolons, a "sep=;" line or UTF-16; JSON as one array or one object
// per line), with the line of a record for errors. The DuckDB store reads
// the rows through DuckDB's readers (internal/store.IngestFiles) and names
// the lines Source finds.
//
// Sub-packages read other sources: matrix the bare user×permission
// matrices of the role-mining benchmarks. Microsoft Graph is read by
// graph/read.
package ingest
