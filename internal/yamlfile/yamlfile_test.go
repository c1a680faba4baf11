package yamlfile

import (
	"testing"

	"github.com/stretchr/testify/require"
)

type rule struct {
	Name     string   `yaml:"name"`
	Severity string   `yaml:"severity"`
	Left     []string `yaml:"left"`
	Count    int      `yaml:"count"`
}

type file struct {
	Version int    `yaml:"version"`
	Rules   []rule `yaml:"rules"`
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, yaml, err string
	}{
		{"unclosed flow list", "rules:\n  - name: x\n    severity: high\n    left: [a, b\n",
			"f.yaml: line 4: not valid YAML: sequence end token ']' not found"},
		{"bad indentation", "rules:\n  - name: x\n   severity: high\n",
			"f.yaml: line 3: not valid YAML: value is not allowed in this context"},
		{"tab", "rules:\n  - name: x\n\tseverity: high\n",
			"f.yaml: line 3: not valid YAML: found character '\t' that cannot start any token"},
		{"unclosed quote", "rules:\n  - name: x\n    severity: \"high\n",
			"f.yaml: line 3: not valid YAML: could not find end character of double-quoted text"},
		{"mapping for a list", "rules:\n  - name: x\n    left:\n      a: b\n",
			"f.yaml: line 4: expected a list here, found a mapping (key: value)"},
		{"text for a number", "version: x\n",
			`f.yaml: line 1: expected a number here, found text "x"`},
		{"two type errors", "version: x\nrules:\n  - count: y\n",
			`f.yaml: line 1: expected a number here, found text "x" (and 1 more)`},
		{"unknown field", "rules:\n  - name: x\n    sevrity: high\n",
			"f.yaml: line 3: field sevrity not found"},
		{"empty", "  \n", "f.yaml: the file is empty"},
		{"comments only", "# nothing\n", "f.yaml: the file is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f file
			err := Decode("f.yaml", []byte(tc.yaml), &f)
			require.EqualError(t, err, tc.err)
		})
	}
	var f file
	require.NoError(t, Decode("f.yaml", []byte("version: 1\nrules:\n  - name: x\n    left: [a]\n"), &f))
	require.Equal(t, []string{"a"}, f.Rules[0].Left)
}
