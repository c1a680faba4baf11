package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/internal/tfschema"
)

// TestTerraformFitsProviderSchema: every resource, argument and block the
// export writes, for packages with groups (Member and Owner), app roles,
// sites and resources of unknown type, is one the azuread provider's schema
// accepts, with every required argument set.
func TestTerraformFitsProviderSchema(t *testing.T) {
	schema, err := tfschema.AzureAD()
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteTerraform(&buf, packages(), Options{CatalogName: "Finance roles",
		Incompatible: []Incompatibility{{PackageID: "payroll-clerk-finance", OtherID: "controller-finance"}}}))
	require.Empty(t, tfschema.Check(buf.Bytes(), "access-packages.tf", schema), buf.String())
	out := buf.String()
	require.Contains(t, out, "published          = true")
	require.Contains(t, out, "externally_visible = false", "the provider's default is true")
	require.Contains(t, out, "requests_accepted = true", "a direct policy accepts administrators' assignments")
}

// TestTerraformParses: the output is valid HCL, and names from the tenant,
// with quotes, backslashes, newlines and template sequences, come back
// unchanged when the strings are evaluated.
func TestTerraformParses(t *testing.T) {
	pkgs := packages()
	tricky := "Pay \"roll\" ${jndi:x} %{if} \\ back\nslash"
	pkgs[0].Name = tricky
	var buf bytes.Buffer
	require.NoError(t, WriteTerraform(&buf, pkgs, Options{CatalogName: "Cat ${x}", Incompatible: []Incompatibility{{PackageID: "payroll-clerk-finance", OtherID: "controller-finance"}}}))
	f, diags := hclsyntax.ParseConfig(buf.Bytes(), "access-packages.tf", hcl.InitialPos)
	require.False(t, diags.HasErrors(), "%s\n%s", diags.Error(), buf.String())

	body := f.Body.(*hclsyntax.Body)
	counts := map[string]int{}
	names := map[string]bool{}
	for _, blk := range body.Blocks {
		require.Equal(t, "resource", blk.Type)
		require.Len(t, blk.Labels, 2)
		counts[blk.Labels[0]]++
		require.False(t, names[blk.Labels[0]+"."+blk.Labels[1]], "duplicate resource %v", blk.Labels)
		names[blk.Labels[0]+"."+blk.Labels[1]] = true
		if attr, ok := blk.Body.Attributes["display_name"]; ok && blk.Labels[0] == "azuread_access_package" && blk.Labels[1] == "payroll_clerk_finance" {
			v, d := attr.Expr.Value(nil)
			require.False(t, d.HasErrors(), d.Error())
			require.Equal(t, tricky, v.AsString())
		}
		if blk.Labels[0] == "azuread_access_package_catalog" {
			v, _ := blk.Body.Attributes["display_name"].Expr.Value(nil)
			require.Equal(t, "Cat ${x}", v.AsString())
		}
	}
	require.Equal(t, map[string]int{
		"azuread_access_package_catalog":                      1,
		"azuread_access_package_resource_catalog_association": 1, // one group
		"azuread_access_package":                              4,
		"azuread_access_package_resource_package_association": 2, // Member and Owner of the group
		"azuread_access_package_assignment_policy":            4,
	}, counts)
	out := buf.String()
	require.Contains(t, out, "#   - automatic assignment rule (user.userType -eq \"Member\") -and (user.jobTitle -in")
	require.Contains(t, out, "# Direct assignment: its rule would test costCenter")
	require.Contains(t, out, "#   - application role AP.Clerk on SAP")
	require.Contains(t, out, "#   - incompatible with package controller-finance")
	require.NotContains(t, strings.ReplaceAll(out, "\\n", ""), "back\nslash", "a newline in a name stays escaped")
}
