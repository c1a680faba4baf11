// Package yamlfile decodes the YAML files users write (SoD rules, and other
// configuration) with errors that name the file and the line at fault once,
// in words rather than Go type names.
//
// The decoding is gopkg.in/yaml.v3's, for its Node API and strict fields.
// Its syntax errors carry the wrong line in several cases (a parser error
// reports the 0-based line where the enclosing block started, a tab in the
// indentation the line above), so the file is first parsed with
// github.com/goccy/go-yaml, whose syntax errors carry the token's position.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	goccy "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"gopkg.in/yaml.v3"

	"github.com/rolemine/rolemine/tenant"
)

// ErrEmpty is the message for a file without a document.
const ErrEmpty = "the file is empty"

// Decode decodes data, the contents of the file name, into v, refusing
// fields v does not have. Every error is a *tenant.InputError.
func Decode(name string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &tenant.InputError{File: name, Msg: ErrEmpty}
	}
	if _, err := parser.ParseBytes(data, 0); err != nil {
		var se *goccy.SyntaxError
		if errors.As(err, &se) && se.Token != nil {
			return &tenant.InputError{File: name, Line: se.Token.Position.Line, Msg: "not valid YAML: " + se.Message}
		}
		// Other parser errors fall through to yaml.v3's message.
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if err == nil {
		return nil
	}
	if errors.Is(err, io.EOF) {
		return &tenant.InputError{File: name, Msg: ErrEmpty}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		line, msg := splitLine(te.Errors[0])
		msg = words(msg)
		if n := len(te.Errors) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more)", n)
		}
		return &tenant.InputError{File: name, Line: line, Msg: msg}
	}
	line, msg := splitLine(strings.TrimPrefix(err.Error(), "yaml: "))
	return &tenant.InputError{File: name, Line: line, Msg: words(msg)}
}

// Error turns an error that an UnmarshalYAML method returned, which may
// start with "line N: ", into an InputError for the file name.
func Error(name string, err error) error {
	var ie *tenant.InputError
	if errors.As(err, &ie) {
		return err
	}
	line, msg := splitLine(strings.TrimPrefix(err.Error(), "yaml: "))
	return &tenant.InputError{File: name, Line: line, Msg: words(msg)}
}

var linePrefix = regexp.MustCompile(`^line (\d+): `)

// splitLine takes a leading "line N: " off msg.
func splitLine(msg string) (int, string) {
	m := linePrefix.FindStringSubmatch(msg)
	if m == nil {
		return 0, msg
	}
	n, _ := strconv.Atoi(m[1])
	return n, msg[len(m[0]):]
}

// unmarshalType matches yaml.v3's "cannot unmarshal !!str `abc` into int".
var unmarshalType = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")

// inType matches the Go type yaml.v3 names in "field x not found in type pkg.T".
var inType = regexp.MustCompile(` in type \S+$`)

// words rewrites yaml.v3's messages about types into the words of the file.
func words(msg string) string {
	msg = inType.ReplaceAllString(msg, "")
	m := unmarshalType.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	found := map[string]string{"!!map": "a mapping (key: value)", "!!seq": "a list", "!!str": "text", "!!int": "a number",
		"!!float": "a number", "!!bool": "true or false", "!!null": "nothing"}[m[1]]
	if found == "" {
		found = m[1]
	}
	if m[2] != "" {
		found += fmt.Sprintf(" %q", m[2])
	}
	return fmt.Sprintf("expected %s here, found %s", goType(m[3]), found)
}

// goType names the YAML shape a Go type is decoded from.
func goType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping (key: value)"
	case t == "string":
		return "text"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "time."):
		return "a duration or a time"
	}
	return "a mapping (key: value)"
}

// Decoding through a yaml.Node (in an UnmarshalYAML method) does not keep
// the decoder's strictness about unknown fields: CheckKeys and Strict do.

// CheckKeys refuses a mapping's keys other than keys, naming the line.
func CheckKeys(n *yaml.Node, keys ...string) error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; !slices.Contains(keys, k.Value) {
			return fmt.Errorf("line %d: field %s not found (use %s)", k.Line, k.Value, strings.Join(keys, ", "))
		}
	}
	return nil
}

// Strict decodes n into v after CheckKeys.
func Strict(n *yaml.Node, v any, keys ...string) error {
	if err := CheckKeys(n, keys...); err != nil {
		return err
	}
	return n.Decode(v)
}
