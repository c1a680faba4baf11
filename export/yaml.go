package export

import (
	"bytes"
	"encoding/json"
	"io"

	"gopkg.in/yaml.v3"
)

// WriteYAML writes tool-neutral definitions as YAML, with the same fields,
// in the same order, as the JSON export.
func WriteYAML(w io.Writer, defs *Definitions) error {
	data, err := json.Marshal(defs)
	if err != nil {
		return err
	}
	// JSON is YAML: parsing it into a node keeps the field order; the flow
	// and quoting styles it parses with are cleared, and the encoder quotes
	// only the strings that need it (its tags keep "true" or "12" strings).
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	var block func(n *yaml.Node)
	block = func(n *yaml.Node) {
		n.Style = 0
		for _, c := range n.Content {
			block(c)
		}
	}
	block(&doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}
