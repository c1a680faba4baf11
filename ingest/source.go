package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/rolemine/rolemine/tenant"
)

// This file reads input files the way people have them: CSV as Excel
// writes it (semicolons in European locales, a "sep=;" first line, UTF-16
// with a byte order mark), JSON as one array or one object per line; and
// finds, for an error, the line of a record.

// Source is an input file as DuckDB reads it. For most files read is the
// file itself; a UTF-16 file, or a CSV file whose first line is Excel's
// "sep=;", is read from a UTF-8 copy without that line, and offset counts
// the lines of the original before the copy's first.
type Source struct {
	Path   string // the user's file, named in errors
	Read   string // the file to read (DuckDB's readers, the line lookups)
	Format string
	Comma  rune // CSV delimiter
	offset int
	Temp   bool // Read is a temporary copy
}

// Close removes a temporary copy.
func (s *Source) Close() {
	if s != nil && s.Temp {
		os.Remove(s.Read)
	}
}

// Line maps a 1-based line of the file read to the user's file.
func (s *Source) Line(n int) int { return n + s.offset }

func isCompressed(path string) bool {
	return strings.HasSuffix(path, ".gz") || strings.HasSuffix(path, ".zst")
}

func isTSV(path string) bool { return strings.Contains(strings.ToLower(filepath.Base(path)), ".tsv") }

// Open prepares path, of the given format (DetectFormat), for reading.
func Open(path, format string) (*Source, error) {
	src := &Source{Path: path, Read: path, Format: format, Comma: ','}
	if isCompressed(path) {
		if format == FormatCSV {
			return nil, &tenant.InputError{File: path, Msg: "compressed CSV is not supported: decompress it first"}
		}
		return src, nil
	}
	if format == FormatParquet {
		return src, nil
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &tenant.InputError{File: path, Msg: errors.Unwrap(err).Error()}
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 64<<10)
	head, _ := br.Peek(2)
	utf16 := bytes.Equal(head, []byte{0xFF, 0xFE}) || bytes.Equal(head, []byte{0xFE, 0xFF})
	var r io.Reader = br
	if utf16 {
		// The byte order mark says which UTF-16; the decoder drops it.
		r = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	}
	text := bufio.NewReaderSize(r, 64<<10)
	first, _ := text.Peek(64 << 10)
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	first = bytes.TrimPrefix(bytes.TrimRight(first, "\r"), []byte("\ufeff"))
	sep := false
	if format == FormatCSV {
		if c, ok := sepLine(first); ok {
			src.Comma, sep = c, true
		} else if isTSV(path) {
			src.Comma = '\t'
		} else {
			src.Comma = sniffComma(first)
		}
	}
	if format == FormatJSONL && bytes.HasPrefix(bytes.TrimLeft(first, " \t\r\n"), []byte("[")) {
		src.Format = FormatJSONArray
	}
	if !utf16 && !sep {
		return src, nil
	}
	// A UTF-8 copy without the sep= line.
	tmp, err := os.CreateTemp("", "rolemine-input-*"+filepath.Ext(strings.ToLower(path)))
	if err != nil {
		return nil, err
	}
	src.Read, src.Temp = tmp.Name(), true
	if sep {
		if _, err := text.ReadString('\n'); err != nil {
			tmp.Close()
			src.Close()
			return nil, &tenant.InputError{File: path, Line: 2, Msg: "the file has a sep= line but no header"}
		}
		src.offset = 1
	}
	if _, err := io.Copy(tmp, text); err != nil {
		tmp.Close()
		src.Close()
		return nil, &tenant.InputError{File: path, Msg: "cannot be read as UTF-16 text: " + err.Error()}
	}
	if err := tmp.Close(); err != nil {
		src.Close()
		return nil, err
	}
	return src, nil
}

// sepLine recognises Excel's "sep=;" first line, which names the delimiter.
func sepLine(line []byte) (rune, bool) {
	s := strings.TrimSpace(string(line))
	if !strings.HasPrefix(strings.ToLower(s), "sep=") {
		return 0, false
	}
	c, n := utf8.DecodeRuneInString(s[4:])
	if n == 0 || len(s) != 4+n {
		return 0, false
	}
	return c, true
}

// sniffComma picks the delimiter of a CSV header: the most frequent of
// comma, semicolon and tab outside quotes (a comma when none occurs).
func sniffComma(header []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(header) {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ',' || c == ';' || c == '\t'):
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// Header reads and checks the header line of a CSV source.
func (src *Source) Header() ([]string, error) {
	fh, err := os.Open(src.Read)
	if err != nil {
		return nil, &tenant.InputError{File: src.Path, Msg: err.Error()}
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	line := src.Line(1)
	if !utf8.Valid(head) || bytes.IndexByte(head, 0) >= 0 {
		return nil, &tenant.InputError{File: src.Path, Line: line,
			Msg: "not a text CSV file in UTF-8 or UTF-16 with a byte order mark (invalid byte sequence in the header)"}
	}
	r := csv.NewReader(br)
	r.Comma = src.Comma
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		msg := err.Error()
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		return nil, &tenant.InputError{File: src.Path, Line: line, Msg: "not a CSV header: " + msg}
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff") // byte order mark
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, &tenant.InputError{File: src.Path, Line: line, Msg: fmt.Sprintf("column %d has no name in the header", i+1)}
		}
		if seen[strings.ToLower(h)] {
			return nil, &tenant.InputError{File: src.Path, Line: line, Field: h, Msg: "column appears twice in the header"}
		}
		seen[strings.ToLower(h)] = true
		header[i] = h
	}
	return header, nil
}

// RecordLine maps a 0-based record index to the 1-based line where the
// record starts, or to its 1-based row (isRow) where lines do not apply.
// Only the error path calls it, so it may read the file.
func (src *Source) RecordLine(rowid int64) (line int, isRow bool) {
	if !isCompressed(src.Read) {
		var ok bool
		switch src.Format {
		case FormatCSV:
			line, ok = csvLine(src, rowid)
		case FormatJSONL:
			line, ok = jsonlLine(src.Read, rowid)
		case FormatJSONArray:
			line, ok = jsonArrayLine(src.Read, rowid)
		}
		if ok {
			return src.Line(line), false
		}
	}
	if src.Format == FormatCSV {
		return src.Line(int(rowid) + 2), false
	}
	return int(rowid) + 1, true
}

func csvLine(src *Source, rowid int64) (int, bool) {
	fh, err := os.Open(src.Read)
	if err != nil {
		return 0, false
	}
	defer fh.Close()
	r := csv.NewReader(bufio.NewReader(fh))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	r.Comma = src.Comma
	for i := int64(-1); ; i++ { // record -1 is the header
		if _, err := r.Read(); err != nil {
			return 0, false
		}
		if i == rowid {
			line, _ := r.FieldPos(0)
			return line, true
		}
	}
}

func jsonlLine(path string, rowid int64) (int, bool) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	var rec int64
	for line := 1; ; line++ {
		s, err := br.ReadString('\n')
		if strings.TrimSpace(s) != "" {
			if rec == rowid {
				return line, true
			}
			rec++
		}
		if err != nil {
			return 0, false
		}
	}
}

// jsonArrayLine finds the line where element rowid of a JSON array starts.
func jsonArrayLine(path string, rowid int64) (int, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return 0, false
	}
	for i := int64(0); dec.More(); i++ {
		start := int(dec.InputOffset())
		// The element starts after the separating comma and spaces.
		for start < len(data) && strings.ContainsRune(" \t\r\n,", rune(data[start])) {
			start++
		}
		if i == rowid {
			return 1 + bytes.Count(data[:start], []byte("\n")), true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return 0, false
		}
	}
	return 0, false
}

// BadJSON finds the first malformed record of a JSON source: for JSON
// lines the first line that is not an object, for an array the line of
// the syntax error. Only the error path calls it.
func (src *Source) BadJSON() (int, string, bool) {
	if src.Format == FormatJSONArray {
		data, err := os.ReadFile(src.Read)
		if err != nil {
			return 0, "", false
		}
		var v []map[string]json.RawMessage
		err = json.Unmarshal(data, &v)
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return 1 + bytes.Count(data[:se.Offset], []byte("\n")), se.Error(), true
		case errors.As(err, &te):
			return 1 + bytes.Count(data[:te.Offset], []byte("\n")), "every element of the array must be a JSON object", true
		}
		return 0, "", false
	}
	fh, err := os.Open(src.Read)
	if err != nil {
		return 0, "", false
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return line, err.Error(), true
		}
	}
	return 0, "", false
}
