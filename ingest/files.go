package ingest

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/rolemine/rolemine/tenant"
)

// FileSet names the input files of one file ingest, and how to read them.
// Resources is optional.
type FileSet struct {
	Users       string
	Assignments string
	Resources   string
	// Map reads a column under another name: Map["jobTitle"] = "job_title"
	// reads the files' column job_title as jobTitle.
	Map map[string]string
	// SkipUnknown leaves out, with a warning, the assignments whose user
	// or resource the other files do not have, instead of refusing them.
	SkipUnknown bool
	// Warn receives warnings about the input (nil: none are shown).
	Warn func(string)
}

// Warnf sends a warning to Warn, when set.
func (fs FileSet) Warnf(format string, args ...any) {
	if fs.Warn != nil {
		fs.Warn(fmt.Sprintf(format, args...))
	}
}

// Input formats. The extension chooses among CSV, JSON and Parquet; a
// .json file that holds one array is FormatJSONArray.
const (
	FormatCSV       = "csv"
	FormatJSONL     = "jsonl"
	FormatJSONArray = "json"
	FormatParquet   = "parquet"
)

// DetectFormat returns the input format of a file from its extension
// (.csv, .tsv, .jsonl, .ndjson, .json, .parquet; optionally compressed .gz or .zst).
func DetectFormat(path string) (string, error) {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".zst")
	switch filepath.Ext(name) {
	case ".csv", ".tsv", ".txt":
		return FormatCSV, nil
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	case ".parquet", ".pq":
		return FormatParquet, nil
	}
	return "", &tenant.InputError{File: path, Msg: "unknown file type: use .csv, .tsv, .jsonl, .ndjson or .parquet"}
}
