// Package tfschema checks Terraform configuration against a provider's
// resource schemas, as `terraform validate` does for the parts rolemine
// writes: every resource type the provider has, every argument and nested
// block one the resource accepts (not computed-only), every required
// argument present, block counts within their bounds, literal values of the
// argument's type, and references naming a declared resource and one of its
// attributes.
//
// The schemas come from `terraform providers schema -json` (the "block"
// shape of terraform-json), trimmed by the extract command in this
// directory; azuread.json holds the azuread provider's access-package
// resources. The package is used by tests only, never by the binary.
package tfschema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// File is a trimmed provider schema: where it came from and its resources.
type File struct {
	Provider  string            `json:"provider"`
	Source    string            `json:"source"`
	Resources map[string]*Block `json:"resources"`
}

// Block is a resource or nested block: its arguments and nested blocks.
type Block struct {
	Attributes map[string]*Attribute `json:"attributes,omitempty"`
	Blocks     map[string]*Nested    `json:"blocks,omitempty"`
}

// Attribute is one argument: its type ("string", "bool", "number", or a
// JSON type expression for collections) and whether it is required,
// optional or computed.
type Attribute struct {
	Type     json.RawMessage `json:"type"`
	Required bool            `json:"required,omitempty"`
	Optional bool            `json:"optional,omitempty"`
	Computed bool            `json:"computed,omitempty"`
}

// Nested is a nested block type: how it nests and how many it allows
// (MaxItems zero: no limit).
type Nested struct {
	Nesting  string `json:"nesting"`
	MinItems int    `json:"minItems,omitempty"`
	MaxItems int    `json:"maxItems,omitempty"`
	Block
}

//go:embed azuread.json
var azureadJSON []byte

// AzureAD returns the azuread provider's access-package resource schemas.
func AzureAD() (*File, error) {
	var f File
	if err := json.Unmarshal(azureadJSON, &f); err != nil {
		return nil, fmt.Errorf("tfschema: azuread.json: %w", err)
	}
	return &f, nil
}

// ctyType decodes an attribute's type.
func (a *Attribute) ctyType() (cty.Type, error) {
	var t cty.Type
	if err := json.Unmarshal(a.Type, &t); err != nil {
		return cty.NilType, err
	}
	return t, nil
}

// metaArguments are the arguments Terraform accepts in every resource.
var metaArguments = []string{"count", "for_each", "provider", "depends_on"}

// Check parses src as Terraform configuration and returns every way it
// breaks the schemas, each naming the file position; nil when none.
func Check(src []byte, filename string, s *File) []string {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return []string{diags.Error()}
	}
	var problems []string
	addf := func(rng hcl.Range, format string, args ...any) {
		problems = append(problems, rng.String()+": "+fmt.Sprintf(format, args...))
	}
	body := f.Body.(*hclsyntax.Body)
	for name, attr := range body.Attributes {
		addf(attr.SrcRange, "unexpected top-level argument %s", name)
	}
	declared := map[string]*Block{}
	for _, blk := range body.Blocks {
		if blk.Type != "resource" {
			continue
		}
		if len(blk.Labels) != 2 {
			addf(blk.DefRange(), "a resource block takes two labels, not %d", len(blk.Labels))
			continue
		}
		schema := s.Resources[blk.Labels[0]]
		if schema == nil {
			addf(blk.DefRange(), "the provider has no resource type %q", blk.Labels[0])
			continue
		}
		key := blk.Labels[0] + "." + blk.Labels[1]
		if declared[key] != nil {
			addf(blk.DefRange(), "duplicate resource %s", key)
		}
		declared[key] = schema
	}
	for _, blk := range body.Blocks {
		switch blk.Type {
		case "resource":
			if schema := s.Resources[blk.Labels[0]]; schema != nil && len(blk.Labels) == 2 {
				checkBody(blk.Body, schema, blk.Labels[0], true, declared, addf)
			}
		case "terraform", "provider", "variable", "output", "locals", "data", "module", "moved", "import", "check", "removed":
		default:
			addf(blk.DefRange(), "unexpected top-level block %q", blk.Type)
		}
	}
	sort.Strings(problems)
	return problems
}

func checkBody(body *hclsyntax.Body, schema *Block, path string, resource bool, declared map[string]*Block,
	addf func(hcl.Range, string, ...any)) {
	for name, attr := range body.Attributes {
		if resource && slices.Contains(metaArguments, name) {
			continue
		}
		a := schema.Attributes[name]
		switch {
		case a == nil:
			addf(attr.SrcRange, "%s: unsupported argument %q", path, name)
			continue
		case a.Computed && !a.Optional && !a.Required:
			addf(attr.SrcRange, "%s: %q is computed by the provider and cannot be set", path, name)
			continue
		}
		checkValue(attr, a, path, declared, addf)
	}
	for name, a := range schema.Attributes {
		if _, ok := body.Attributes[name]; a.Required && !ok {
			addf(body.SrcRange, "%s: the required argument %q is missing", path, name)
		}
	}
	counts := map[string]int{}
	for _, nb := range body.Blocks {
		if resource && nb.Type == "lifecycle" {
			continue
		}
		n := schema.Blocks[nb.Type]
		if n == nil {
			addf(nb.DefRange(), "%s: unsupported block %q", path, nb.Type)
			continue
		}
		if len(nb.Labels) > 0 {
			addf(nb.DefRange(), "%s: block %q takes no labels", path, nb.Type)
		}
		counts[nb.Type]++
		checkBody(nb.Body, &n.Block, path+"."+nb.Type, false, declared, addf)
	}
	for name, n := range schema.Blocks {
		c := counts[name]
		if c < n.MinItems {
			addf(body.SrcRange, "%s: at least %d %q block(s) required, found %d", path, n.MinItems, name, c)
		}
		max := n.MaxItems
		if n.Nesting == "single" {
			max = 1
		}
		if max > 0 && c > max {
			addf(body.SrcRange, "%s: at most %d %q block(s) allowed, found %d", path, max, name, c)
		}
	}
}

// checkValue checks a literal value against the argument's type, and every
// reference in the expression against the declared resources.
func checkValue(attr *hclsyntax.Attribute, a *Attribute, path string, declared map[string]*Block, addf func(hcl.Range, string, ...any)) {
	want, err := a.ctyType()
	if err != nil {
		addf(attr.SrcRange, "%s.%s: the schema's type %s: %v", path, attr.Name, a.Type, err)
		return
	}
	vars := attr.Expr.Variables()
	for _, tr := range vars {
		parts := traversalNames(tr)
		if len(parts) < 3 {
			addf(tr.SourceRange(), "%s.%s: reference %s names no resource attribute", path, attr.Name, strings.Join(parts, "."))
			continue
		}
		target := declared[parts[0]+"."+parts[1]]
		if target == nil {
			addf(tr.SourceRange(), "%s.%s: reference to undeclared resource %s.%s", path, attr.Name, parts[0], parts[1])
			continue
		}
		if target.Attributes[parts[2]] == nil {
			addf(tr.SourceRange(), "%s.%s: %s.%s has no attribute %q", path, attr.Name, parts[0], parts[1], parts[2])
		}
	}
	if len(vars) > 0 {
		return
	}
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		addf(attr.SrcRange, "%s.%s: %s", path, attr.Name, diags.Error())
		return
	}
	if _, err := convert.Convert(v, want); err != nil {
		addf(attr.SrcRange, "%s.%s: %s value does not fit type %s: %v", path, attr.Name, v.Type().FriendlyName(), want.FriendlyName(), err)
	}
}

func traversalNames(tr hcl.Traversal) []string {
	var out []string
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			out = append(out, s.Name)
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		default:
			return out
		}
	}
	return out
}
