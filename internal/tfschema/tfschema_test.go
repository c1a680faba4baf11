package tfschema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func azuread(t *testing.T) *File {
	t.Helper()
	s, err := AzureAD()
	require.NoError(t, err)
	return s
}

// TestAcceptsProviderExample: the provider's own documented configuration
// of a catalog, a package, a group association and a direct policy passes.
func TestAcceptsProviderExample(t *testing.T) {
	src := `
resource "azuread_access_package_catalog" "c" {
  display_name       = "Cat"
  description        = "Catalog"
  published          = true
  externally_visible = false
}
resource "azuread_access_package" "p" {
  catalog_id   = azuread_access_package_catalog.c.id
  display_name = "Pkg"
  description  = "Package"
  hidden       = false
}
resource "azuread_access_package_resource_catalog_association" "g" {
  catalog_id             = azuread_access_package_catalog.c.id
  resource_origin_id     = "0282e19d-bf41-435d-92a4-99bab93af305"
  resource_origin_system = "AadGroup"
}
resource "azuread_access_package_resource_package_association" "pg" {
  access_package_id               = azuread_access_package.p.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.g.id
  access_type                     = "Member"
}
resource "azuread_access_package_assignment_policy" "d" {
  access_package_id = azuread_access_package.p.id
  display_name      = "Direct"
  description       = "Direct"
  duration_in_days  = 90
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
    approval_stage {
      approval_timeout_in_days = 14
      primary_approver {
        subject_type = "requestorManager"
      }
    }
  }
}
`
	require.Empty(t, Check([]byte(src), "ok.tf", azuread(t)))
}

// TestRejects: each way a configuration can break the schema is reported,
// the arguments of the azuread provider before 3.0 among them.
func TestRejects(t *testing.T) {
	cases := map[string]struct{ src, want string }{
		"old catalog names": {`resource "azuread_access_package_catalog" "c" {
  display_name = "C"
  description = "C"
  state = "published"
}`, `unsupported argument "state"`},
		"old visibility": {`resource "azuread_access_package_catalog" "c" {
  display_name = "C"
  description = "C"
  is_externally_visible = false
}`, `unsupported argument "is_externally_visible"`},
		"old hidden": {`resource "azuread_access_package_catalog" "c" {
  display_name = "C"
  description = "C"
}
resource "azuread_access_package" "p" {
  catalog_id = azuread_access_package_catalog.c.id
  display_name = "P"
  description = "P"
  is_hidden = false
}`, `unsupported argument "is_hidden"`},
		"unknown resource": {`resource "azuread_access_package_magic" "x" {}`, `no resource type "azuread_access_package_magic"`},
		"missing required": {`resource "azuread_access_package_catalog" "c" {
  display_name = "C"
}`, `required argument "description" is missing`},
		"wrong type": {`resource "azuread_access_package_catalog" "c" {
  display_name = "C"
  description = "C"
  published = "maybe"
}`, `published: string value does not fit type bool`},
		"undeclared reference": {`resource "azuread_access_package" "p" {
  catalog_id = azuread_access_package_catalog.nope.id
  display_name = "P"
  description = "P"
}`, `undeclared resource azuread_access_package_catalog.nope`},
		"unknown block": {`resource "azuread_access_package_assignment_policy" "d" {
  access_package_id = "x"
  display_name = "D"
  description = "D"
  automatic_request_settings {
    enabled = true
  }
}`, `unsupported block "automatic_request_settings"`},
		"old nested name": {`resource "azuread_access_package_assignment_policy" "d" {
  access_package_id = "x"
  display_name = "D"
  description = "D"
  requestor_settings {
    accept_requests = true
  }
}`, `unsupported argument "accept_requests"`},
		"too many blocks": {`resource "azuread_access_package_assignment_policy" "d" {
  access_package_id = "x"
  display_name = "D"
  description = "D"
  requestor_settings {
  }
  requestor_settings {
  }
}`, `at most 1 "requestor_settings"`},
		"computed only": {`resource "azuread_access_package_catalog" "c" {
  display_name = "C"
  description = "C"
}
resource "azuread_access_package_resource_package_association" "pg" {
  access_package_id = "x"
  catalog_resource_association_id = "y"
  access_type = azuread_access_package_catalog.c.object_id
}`, `has no attribute "object_id"`},
		"syntax": {`resource "azuread_access_package_catalog" "c" {`, `Unclosed configuration block`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := Check([]byte(c.src), "bad.tf", azuread(t))
			require.NotEmpty(t, got)
			require.Contains(t, strings.Join(got, "\n"), c.want)
		})
	}
}
