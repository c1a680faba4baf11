// Command extract trims the output of `terraform providers schema -json`
// to what tfschema checks: for the resources of one provider whose type
// starts with a prefix, every argument's type and whether it is required,
// optional or computed, and every nested block's nesting and item bounds.
// Descriptions are dropped.
//
// azuread.json was made with it, from the azuread provider's schema:
//
//	terraform init   # with a configuration that requires hashicorp/azuread
//	terraform providers schema -json > providers-schema.json
//	go run ./internal/tfschema/extract -in providers-schema.json \
//	    -source "terraform providers schema -json, hashicorp/azuread" > internal/tfschema/azuread.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// The input's shape (terraform-json's ProviderSchemas, the parts used).
type schemas struct {
	FormatVersion   string `json:"format_version"`
	ProviderSchemas map[string]struct {
		ResourceSchemas map[string]struct {
			Block block `json:"block"`
		} `json:"resource_schemas"`
	} `json:"provider_schemas"`
}

type block struct {
	Attributes map[string]struct {
		Type     json.RawMessage `json:"type"`
		Required bool            `json:"required"`
		Optional bool            `json:"optional"`
		Computed bool            `json:"computed"`
	} `json:"attributes"`
	BlockTypes map[string]struct {
		NestingMode string `json:"nesting_mode"`
		MinItems    int    `json:"min_items"`
		MaxItems    int    `json:"max_items"`
		Block       block  `json:"block"`
	} `json:"block_types"`
}

// The output's shape, as tfschema reads it.
type outFile struct {
	Provider  string               `json:"provider"`
	Source    string               `json:"source"`
	Resources map[string]*outBlock `json:"resources"`
}

type outBlock struct {
	Attributes map[string]outAttr    `json:"attributes,omitempty"`
	Blocks     map[string]*outNested `json:"blocks,omitempty"`
}

type outAttr struct {
	Type     json.RawMessage `json:"type"`
	Required bool            `json:"required,omitempty"`
	Optional bool            `json:"optional,omitempty"`
	Computed bool            `json:"computed,omitempty"`
}

type outNested struct {
	Nesting  string `json:"nesting"`
	MinItems int    `json:"minItems,omitempty"`
	MaxItems int    `json:"maxItems,omitempty"`
	outBlock
}

func trim(b block) *outBlock {
	out := &outBlock{}
	for name, a := range b.Attributes {
		if out.Attributes == nil {
			out.Attributes = map[string]outAttr{}
		}
		out.Attributes[name] = outAttr{Type: a.Type, Required: a.Required, Optional: a.Optional, Computed: a.Computed}
	}
	for name, bt := range b.BlockTypes {
		if out.Blocks == nil {
			out.Blocks = map[string]*outNested{}
		}
		out.Blocks[name] = &outNested{Nesting: bt.NestingMode, MinItems: bt.MinItems, MaxItems: bt.MaxItems, outBlock: *trim(bt.Block)}
	}
	return out
}

func run(in io.Reader, out io.Writer, provider, prefix, source string) error {
	var s schemas
	if err := json.NewDecoder(in).Decode(&s); err != nil {
		return fmt.Errorf("read the provider schemas: %w", err)
	}
	p, ok := s.ProviderSchemas[provider]
	if !ok {
		return fmt.Errorf("the schemas have no provider %q", provider)
	}
	f := outFile{Provider: provider, Source: source, Resources: map[string]*outBlock{}}
	for name, r := range p.ResourceSchemas {
		if strings.HasPrefix(name, prefix) {
			f.Resources[name] = trim(r.Block)
		}
	}
	if len(f.Resources) == 0 {
		return fmt.Errorf("provider %q has no resource starting with %q", provider, prefix)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

func main() {
	inPath := flag.String("in", "-", "the output of terraform providers schema -json (- for stdin)")
	provider := flag.String("provider", "registry.terraform.io/hashicorp/azuread", "the provider's address")
	prefix := flag.String("prefix", "azuread_access_package", "keep the resources whose type starts with this")
	source := flag.String("source", "", "where the schema came from, recorded in the output")
	flag.Parse()
	in := io.Reader(os.Stdin)
	if *inPath != "-" {
		f, err := os.Open(*inPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	if err := run(in, os.Stdout, *provider, *prefix, *source); err != nil {
		fmt.Fprintln(os.Stderr, "extract:", err)
		os.Exit(1)
	}
}
