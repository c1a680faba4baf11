# Access packages proposed by rolemine, for the azuread Terraform provider.
# The provider cannot create automatic assignment policies, incompatible packages
# or app and site role scopes yet: graph-plan.json (rolemine export --format
# graph-json) creates those through Microsoft Graph.

resource "azuread_access_package_catalog" "rolemine" {
  display_name       = "rolemine proposals"
  description        = "Job-function access packages proposed by rolemine"
  published          = true
  externally_visible = false
}

# Group All Staff
resource "azuread_access_package_resource_catalog_association" "group_all_staff" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "9dcdc599-2656-45bd-af1f-523b98c48fbc"
  resource_origin_system = "AadGroup"
}

# Group SG-VPN-Users
resource "azuread_access_package_resource_catalog_association" "group_sg_vpn_users" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "b58e40ff-c15e-4eaa-905b-c01897ad5f92"
  resource_origin_system = "AadGroup"
}

# Group DL-Sales
resource "azuread_access_package_resource_catalog_association" "group_dl_sales" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "738979c4-f1ac-4869-a51a-78090c3147a4"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Account-Executive
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_account_executive" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "21b6dc61-acd3-4939-9aa4-5f0419d63f6b"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-All
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "f3b96a3a-b7c6-4020-854d-8943ef4f3671"
  resource_origin_system = "AadGroup"
}

# Group DL-Operations
resource "azuread_access_package_resource_catalog_association" "group_dl_operations" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "48a73241-62d5-41a9-8c52-3c9559753df4"
  resource_origin_system = "AadGroup"
}

# Group SG-Operations-All
resource "azuread_access_package_resource_catalog_association" "group_sg_operations_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "4fc1cf6d-bc2f-42fd-a178-9256cb9c75c5"
  resource_origin_system = "AadGroup"
}

# Group SG-Operations-Operations-Coordinator
resource "azuread_access_package_resource_catalog_association" "group_sg_operations_operations_coordinator" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "da86b552-1e16-4ec1-9ad5-e582715abd2f"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Sales-Development-Representative
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_sales_development_representative" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "cabed04d-c8be-41c7-9e9b-fcab291163cc"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Sales-Engineer
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_sales_engineer" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "3023e4b6-b986-46b4-aadc-f91976519856"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Sales-Engineer-Pre-sales-1
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_sales_engineer_pre_sales_1" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "efb2ed77-dc2a-4ea2-8751-d783a6f6c18c"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Sales-Engineer-Pre-sales-2
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_sales_engineer_pre_sales_2" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "f5a8dbe2-9656-4705-b313-686757b3bfdd"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Sales-Engineer-Pre-sales-3
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_sales_engineer_pre_sales_3" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "129cd04c-6cf8-4f48-b73d-0838c315c293"
  resource_origin_system = "AadGroup"
}

# Group DL-Engineering
resource "azuread_access_package_resource_catalog_association" "group_dl_engineering" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "66359cc0-e481-4fcd-bf84-dd9f5c8af00c"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-All
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "ee480051-9ded-4bbb-9cd6-9073fc0aeefa"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Senior-Software-Engineer
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_senior_software_engineer" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "5b2c3b47-5cfc-490f-9b09-bec6b0bf2009"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "47d54dfd-4312-4e62-a86c-478a82925010"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer-Platform-1
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer_platform_1" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "10e1c710-fadd-48c2-aed6-a414ac5469d4"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer-Platform-2
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer_platform_2" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "c7ab9100-9cd3-458c-bde2-ac1551a4c2d0"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer-Platform-3
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer_platform_3" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "5f279c6f-a205-4577-a727-a1713c417ce9"
  resource_origin_system = "AadGroup"
}

# Group DL-Customer-Support
resource "azuread_access_package_resource_catalog_association" "group_dl_customer_support" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "aaf19ebd-bc0d-4ca6-b16b-e6b8665a1993"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-All
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "dc2fa7d9-a47a-40ee-a9a3-00dce54daf59"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "a4fb36f7-7e47-4f90-ad16-4d9e03aaf587"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist-Tier-2-1
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist_tier_2_1" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "af2489a5-3fd5-4f2f-810c-d91261fc0816"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist-Tier-2-2
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist_tier_2_2" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "a8e84620-bf2d-4bc4-ba31-c2806d8f7b5b"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist-Tier-2-3
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist_tier_2_3" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "6131ac9a-a180-4e6f-8517-68ea595948b9"
  resource_origin_system = "AadGroup"
}

# Package Birthright
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.accountEnabled -eq true)
#   - application role User on Concur
#   - site role Read on Intranet
#   - application role Employee on Workday
resource "azuread_access_package" "birthright" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Birthright"
  description  = "Access held by nearly every employee (333 users, 5 entitlements)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "birthright_group_all_staff_member" {
  access_package_id               = azuread_access_package.birthright.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_all_staff.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "birthright_group_sg_vpn_users_member" {
  access_package_id               = azuread_access_package.birthright.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_vpn_users.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "birthright_direct" {
  access_package_id = azuread_access_package.birthright.id
  display_name      = "Direct assignment: Birthright"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Account Executive / Sales
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -eq "Account Executive") -and (user.department -eq "Sales")
#   - application role Coach on Gong
#   - application role Recorder on Gong
#   - site role Edit on Sales
#   - application role Sales.User on Salesforce
#   - direct assignment to the 22 users who hold its access today (back-fill)
resource "azuread_access_package" "account_executive_sales" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Account Executive / Sales"
  description  = "Job function Account Executive / Sales (46 users, 7 entitlements held by at least 96% of them)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "account_executive_sales_group_dl_sales_member" {
  access_package_id               = azuread_access_package.account_executive_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_sales.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "account_executive_sales_group_sg_sales_account_executive_member" {
  access_package_id               = azuread_access_package.account_executive_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_account_executive.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "account_executive_sales_group_sg_sales_all_member" {
  access_package_id               = azuread_access_package.account_executive_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "account_executive_sales_direct" {
  access_package_id = azuread_access_package.account_executive_sales.id
  display_name      = "Direct assignment: Account Executive / Sales"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Operations Coordinator / Operations
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Operations Coordinator","Operations  Coordinator"]) -and (user.department -eq "Operations")
#   - site role Edit on Operations
#   - application role Shipping.Release on SAP EWM
#   - application role Warehouse.Clerk on SAP EWM
#   - application role Explorer on Tableau
#   - application role Viewer on Tableau
#   - direct assignment to the 7 users who hold its access today (back-fill)
resource "azuread_access_package" "operations_coordinator_operations" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Operations Coordinator / Operations"
  description  = "Job function Operations Coordinator / Operations (33 users, 8 entitlements held by at least 97% of them)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "operations_coordinator_operations_group_dl_operations_member" {
  access_package_id               = azuread_access_package.operations_coordinator_operations.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_operations.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "operations_coordinator_operations_group_sg_operations_all_member" {
  access_package_id               = azuread_access_package.operations_coordinator_operations.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_operations_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "operations_coordinator_operations_group_sg_operations_operations_coordinator_member" {
  access_package_id               = azuread_access_package.operations_coordinator_operations.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_operations_operations_coordinator.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "operations_coordinator_operations_direct" {
  access_package_id = azuread_access_package.operations_coordinator_operations.id
  display_name      = "Direct assignment: Operations Coordinator / Operations"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Sales Development Representative / Sales
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Sales Development Representative","Sales  Development  Representative"]) -and (user.department -eq "Sales")
#   - site role Edit on Sales
#   - application role Opportunity.Edit on Salesforce
#   - application role Quote.Approve on Salesforce
#   - application role Sales.User on Salesforce
#   - direct assignment to the 12 users who hold its access today (back-fill)
resource "azuread_access_package" "sales_development_representative_sales" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Sales Development Representative / Sales"
  description  = "Job function Sales Development Representative / Sales (45 users, 7 entitlements held by at least 76% of them)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "sales_development_representative_sales_group_dl_sales_member" {
  access_package_id               = azuread_access_package.sales_development_representative_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_sales.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_development_representative_sales_group_sg_sales_all_member" {
  access_package_id               = azuread_access_package.sales_development_representative_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_development_representative_sales_group_sg_sales_sales_development_representative_member" {
  access_package_id               = azuread_access_package.sales_development_representative_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_sales_development_representative.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "sales_development_representative_sales_direct" {
  access_package_id = azuread_access_package.sales_development_representative_sales.id
  display_name      = "Direct assignment: Sales Development Representative / Sales"
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

# Package Sales Engineer / Sales
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Sales Engineer","Sales Eng."]) -and (user.department -eq "Sales")
#   - application role Coach on Gong
#   - application role Recorder on Gong
#   - site role Edit on Sales
#   - application role Opportunity.Edit on Salesforce
#   - application role Sales.User on Salesforce
#   - direct assignment to the 7 users who hold its access today (back-fill)
resource "azuread_access_package" "sales_engineer_sales" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Sales Engineer / Sales"
  description  = "Job function Sales Engineer / Sales (27 users, 8 entitlements held by at least 70% of them)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_group_dl_sales_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_sales.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_group_sg_sales_all_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_group_sg_sales_sales_engineer_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_sales_engineer.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "sales_engineer_sales_direct" {
  access_package_id = azuread_access_package.sales_engineer_sales.id
  display_name      = "Direct assignment: Sales Engineer / Sales"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Sales Engineer / Sales (variant 1)
# Not expressible in the azuread provider; see graph-plan.json:
#   - application role Coach on Gong
#   - application role Recorder on Gong
#   - site role Edit on Sales
#   - application role Opportunity.Edit on Salesforce
#   - application role Sales.User on Salesforce
#   - direct assignment to the 8 users who hold its access today (back-fill)
resource "azuread_access_package" "sales_engineer_sales_variant_1" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Sales Engineer / Sales (variant 1)"
  description  = "Variant Sales Engineer / Sales (variant 1): 9 users of the job function hold these 11 entitlements together; no attribute tells them apart, so assign it directly."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_variant_1_group_dl_sales_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_sales.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_variant_1_group_sg_sales_all_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_variant_1_group_sg_sales_sales_engineer_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_sales_engineer.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_variant_1_group_sg_sales_sales_engineer_pre_sales_1_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_sales_engineer_pre_sales_1.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_variant_1_group_sg_sales_sales_engineer_pre_sales_2_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_sales_engineer_pre_sales_2.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "sales_engineer_sales_variant_1_group_sg_sales_sales_engineer_pre_sales_3_member" {
  access_package_id               = azuread_access_package.sales_engineer_sales_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_sales_sales_engineer_pre_sales_3.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "sales_engineer_sales_variant_1_direct" {
  access_package_id = azuread_access_package.sales_engineer_sales_variant_1.id
  display_name      = "Direct assignment: Sales Engineer / Sales (variant 1)"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Senior Software Engineer / Engineering
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Senior Software Engineer","Senior  Software  Engineer"]) -and (user.department -eq "Engineering")
#   - application role Release.Approver on Azure DevOps
#   - site role Edit on Engineering
#   - application role Member on GitHub Enterprise
#   - application role Security.Manager on GitHub Enterprise
#   - direct assignment to the 10 users who hold its access today (back-fill)
resource "azuread_access_package" "senior_software_engineer_engineering" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Senior Software Engineer / Engineering"
  description  = "Job function Senior Software Engineer / Engineering (34 users, 7 entitlements held by at least 76% of them)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "senior_software_engineer_engineering_group_dl_engineering_member" {
  access_package_id               = azuread_access_package.senior_software_engineer_engineering.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_engineering.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "senior_software_engineer_engineering_group_sg_engineering_all_member" {
  access_package_id               = azuread_access_package.senior_software_engineer_engineering.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "senior_software_engineer_engineering_group_sg_engineering_senior_software_engineer_member" {
  access_package_id               = azuread_access_package.senior_software_engineer_engineering.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_senior_software_engineer.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "senior_software_engineer_engineering_direct" {
  access_package_id = azuread_access_package.senior_software_engineer_engineering.id
  display_name      = "Direct assignment: Senior Software Engineer / Engineering"
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

# Package Software Engineer / Engineering
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Software Engineer","Software Eng."]) -and (user.department -eq "Engineering")
#   - site role Edit on Engineering
#   - application role Member on GitHub Enterprise
#   - application role Observer on PagerDuty
#   - application role Responder on PagerDuty
#   - direct assignment to the 15 users who hold its access today (back-fill)
resource "azuread_access_package" "software_engineer_engineering" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Software Engineer / Engineering"
  description  = "Job function Software Engineer / Engineering (57 users, 7 entitlements held by at least 88% of them)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_group_dl_engineering_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_engineering.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_group_sg_engineering_all_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_group_sg_engineering_software_engineer_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_software_engineer.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "software_engineer_engineering_direct" {
  access_package_id = azuread_access_package.software_engineer_engineering.id
  display_name      = "Direct assignment: Software Engineer / Engineering"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Software Engineer / Engineering (variant 1)
# Not expressible in the azuread provider; see graph-plan.json:
#   - site role Edit on Engineering
#   - application role Member on GitHub Enterprise
#   - application role Observer on PagerDuty
#   - application role Responder on PagerDuty
#   - direct assignment to the 22 users who hold its access today (back-fill)
resource "azuread_access_package" "software_engineer_engineering_variant_1" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Software Engineer / Engineering (variant 1)"
  description  = "Variant Software Engineer / Engineering (variant 1): 24 users of the job function hold these 10 entitlements together; no attribute tells them apart, so assign it directly."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_variant_1_group_dl_engineering_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_engineering.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_variant_1_group_sg_engineering_all_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_variant_1_group_sg_engineering_software_engineer_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_software_engineer.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_variant_1_group_sg_engineering_software_engineer_platform_1_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_software_engineer_platform_1.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_variant_1_group_sg_engineering_software_engineer_platform_2_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_software_engineer_platform_2.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "software_engineer_engineering_variant_1_group_sg_engineering_software_engineer_platform_3_member" {
  access_package_id               = azuread_access_package.software_engineer_engineering_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_engineering_software_engineer_platform_3.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "software_engineer_engineering_variant_1_direct" {
  access_package_id = azuread_access_package.software_engineer_engineering_variant_1.id
  display_name      = "Direct assignment: Software Engineer / Engineering (variant 1)"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Support Specialist / Customer Support
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Support Specialist","Support  Specialist","Support Spec."]) -and (user.department -eq "Customer Support")
#   - site role Edit on Customer Support
#   - application role itil on ServiceNow
#   - application role Agent on Zendesk
#   - application role Light Agent on Zendesk
#   - direct assignment to the 8 users who hold its access today (back-fill)
resource "azuread_access_package" "support_specialist_customer_support" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Support Specialist / Customer Support"
  description  = "Job function Support Specialist / Customer Support (53 users, 7 entitlements held by at least 94% of them)."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_group_dl_customer_support_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_customer_support.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_group_sg_customer_support_all_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_customer_support_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_group_sg_customer_support_support_specialist_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_customer_support_support_specialist.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "support_specialist_customer_support_direct" {
  access_package_id = azuread_access_package.support_specialist_customer_support.id
  display_name      = "Direct assignment: Support Specialist / Customer Support"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}

# Package Support Specialist / Customer Support (variant 1)
# Not expressible in the azuread provider; see graph-plan.json:
#   - site role Edit on Customer Support
#   - application role itil on ServiceNow
#   - application role Agent on Zendesk
#   - application role Light Agent on Zendesk
#   - direct assignment to the 20 users who hold its access today (back-fill)
resource "azuread_access_package" "support_specialist_customer_support_variant_1" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Support Specialist / Customer Support (variant 1)"
  description  = "Variant Support Specialist / Customer Support (variant 1): 22 users of the job function hold these 10 entitlements together; no attribute tells them apart, so assign it directly."
  hidden       = false
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_variant_1_group_dl_customer_support_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_dl_customer_support.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_variant_1_group_sg_customer_support_all_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_customer_support_all.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_variant_1_group_sg_customer_support_support_specialist_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_customer_support_support_specialist.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_variant_1_group_sg_customer_support_support_specialist_tier_2_1_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_customer_support_support_specialist_tier_2_1.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_variant_1_group_sg_customer_support_support_specialist_tier_2_2_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_customer_support_support_specialist_tier_2_2.id
  access_type                     = "Member"
}

resource "azuread_access_package_resource_package_association" "support_specialist_customer_support_variant_1_group_sg_customer_support_support_specialist_tier_2_3_member" {
  access_package_id               = azuread_access_package.support_specialist_customer_support_variant_1.id
  catalog_resource_association_id = azuread_access_package_resource_catalog_association.group_sg_customer_support_support_specialist_tier_2_3.id
  access_type                     = "Member"
}

resource "azuread_access_package_assignment_policy" "support_specialist_customer_support_variant_1_direct" {
  access_package_id = azuread_access_package.support_specialist_customer_support_variant_1.id
  display_name      = "Direct assignment: Support Specialist / Customer Support (variant 1)"
  description       = "Administrators assign this package directly"
  requestor_settings {
    scope_type        = "NoSubjects"
    requests_accepted = true
  }
  approval_settings {
    approval_required = false
  }
}
