# Access packages proposed by rolemine, for the azuread Terraform provider.
# The provider cannot create automatic assignment policies, incompatible packages
# or app and site role scopes yet: graph-plan.json (rolemine export --format
# graph-json) creates those through Microsoft Graph.

resource "azuread_access_package_catalog" "rolemine" {
  display_name       = "Finance roles"
  description        = "Job-function access packages proposed by rolemine"
  published          = true
  externally_visible = false
}

# Group SG-Payroll
resource "azuread_access_package_resource_catalog_association" "group_sg_payroll" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "11111111-1111-4111-8111-111111111111"
  resource_origin_system = "AadGroup"
}

# Package Payroll "Clerk" / Finance
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Payroll `"Clerk`"","Payroll Clrk"]) -and (user.department -eq "Finance")
#   - application role AP.Clerk on SAP
#   - site role Edit on =Finance
#   - incompatible with package controller-finance
#   - incompatible with the members of group 33333333-3333-4333-8333-333333333333
resource "azuread_access_package" "payroll_clerk_finance" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Payroll \"Clerk\" / Finance"
  description  = "Job function <Payroll>"
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "payroll_clerk_finance_group_sg_payroll_member" {
  access_package_id               = azuread_access_package.payroll_clerk_finance.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_payroll.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "payroll_clerk_finance_direct" {
  access_package_id = azuread_access_package.payroll_clerk_finance.id
  display_name      = "Direct assignment: Payroll \"Clerk\" / Finance"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Controller / Finance
# Not expressible in the azuread provider; see graph-plan.json:
#   - role User on legacy-app (resource type unknown: ingest a resources file)
resource "azuread_access_package" "controller_finance" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Controller / Finance"
  description  = "Controller / Finance"
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "controller_finance_group_sg_payroll_owner" {
  access_package_id               = azuread_access_package.controller_finance.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_payroll.id
  access_type                     = "Owner"
}

resource "azuread_access_package_assignment_policy" "controller_finance_direct" {
  access_package_id = azuread_access_package.controller_finance.id
  display_name      = "Direct assignment: Controller / Finance"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
  assignment_review_settings {
    enabled                         = true
    review_frequency                = "quarterly"
    review_type                     = "Manager"
    duration_in_days                = 14
    access_recommendation_enabled   = true
    access_review_timeout_behavior  = "keepAccess"
    approver_justification_required = true
  }
}

# Package AP team (access cluster)
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.physicalDeliveryOfficeName -eq "Oslo")
#   - application role AP.Clerk on SAP
resource "azuread_access_package" "ap_team_access_cluster" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "AP team (access cluster)"
  description  = "AP team (access cluster)"
  hidden       = false
}

resource "azuread_access_package_assignment_policy" "ap_team_access_cluster_direct" {
  access_package_id = azuread_access_package.ap_team_access_cluster.id
  display_name      = "Direct assignment: AP team (access cluster)"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package AR team (access cluster)
# Direct assignment: its rule would test costCenter, which Entra cannot evaluate; map it to a supported property or an extension attribute with --rule-attribute costCenter=extensionAttribute1
# Not expressible in the azuread provider; see graph-plan.json:
#   - site role Full Control on Receivables
resource "azuread_access_package" "ar_team_access_cluster" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "AR team (access cluster)"
  description  = "AR team (access cluster)"
  hidden       = false
}

resource "azuread_access_package_assignment_policy" "ar_team_access_cluster_direct" {
  access_package_id = azuread_access_package.ar_team_access_cluster.id
  display_name      = "Direct assignment: AR team (access cluster)"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
  assignment_review_settings {
    enabled                         = true
    review_frequency                = "quarterly"
    review_type                     = "Manager"
    duration_in_days                = 14
    access_recommendation_enabled   = true
    access_review_timeout_behavior  = "keepAccess"
    approver_justification_required = true
  }
}
