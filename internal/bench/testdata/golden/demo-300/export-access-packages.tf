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
  resource_origin_id     = "247be86e-b21f-4dfe-a16a-e11514b2de21"
  resource_origin_system = "AadGroup"
}

# Group SG-VPN-Users
resource "azuread_access_package_resource_catalog_association" "group_sg_vpn_users" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "46deb0bc-bc2c-4d52-ac72-7abe04ea24c3"
  resource_origin_system = "AadGroup"
}

# Group DL-Sales
resource "azuread_access_package_resource_catalog_association" "group_dl_sales" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "cace52bf-7bee-4a67-bdbf-a5dd920795c0"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Account-Executive
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_account_executive" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "83bd7e0e-b8d9-4bd0-9f10-55f8250da2fa"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-All
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "5c3b9d2c-8006-4f26-aaae-545d2267b5b5"
  resource_origin_system = "AadGroup"
}

# Group DL-Operations
resource "azuread_access_package_resource_catalog_association" "group_dl_operations" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "53258539-f4c5-4271-af15-7ccb03f48f6f"
  resource_origin_system = "AadGroup"
}

# Group SG-Operations-All
resource "azuread_access_package_resource_catalog_association" "group_sg_operations_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "bbabe9fd-9a84-41b8-83c6-111d99cddce9"
  resource_origin_system = "AadGroup"
}

# Group SG-Operations-Operations-Coordinator
resource "azuread_access_package_resource_catalog_association" "group_sg_operations_operations_coordinator" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "448b9fe4-67b1-4316-9aa6-d4f5f92d7d37"
  resource_origin_system = "AadGroup"
}

# Group SG-Sales-Sales-Development-Representative
resource "azuread_access_package_resource_catalog_association" "group_sg_sales_sales_development_representative" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "49914b96-583d-469b-bc14-ff3ab88706aa"
  resource_origin_system = "AadGroup"
}

# Group DL-Engineering
resource "azuread_access_package_resource_catalog_association" "group_dl_engineering" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "59e9d72f-dcff-46f6-896a-8125219b5419"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-All
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "d9b0b792-1254-4b97-861a-618b0e6ce5ed"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Senior-Software-Engineer
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_senior_software_engineer" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "7de2ee0d-5203-49ea-886f-7f412502330a"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "b412337a-f19d-4225-8f4b-21e8f0b745bc"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer-Platform-1
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer_platform_1" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "b0ee16f9-e9b2-4ed2-8f6e-6f50adfbf496"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer-Platform-2
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer_platform_2" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "47339f0e-4dbc-4008-91a6-0866aa8147e9"
  resource_origin_system = "AadGroup"
}

# Group SG-Engineering-Software-Engineer-Platform-3
resource "azuread_access_package_resource_catalog_association" "group_sg_engineering_software_engineer_platform_3" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "d754b96b-72fd-4c6f-b869-5acf6a021802"
  resource_origin_system = "AadGroup"
}

# Group DL-Customer-Support
resource "azuread_access_package_resource_catalog_association" "group_dl_customer_support" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "7697d653-7563-4b16-8dde-a7136de5994f"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-All
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_all" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "47f61d75-03cd-4b12-b787-9ad6bfb15755"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "bfe342a1-7c94-4631-971a-b1acd7c413c6"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist-Tier-2-1
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist_tier_2_1" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "fcb8e9df-5f16-4cdf-8fe1-fece340049b4"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist-Tier-2-2
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist_tier_2_2" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "1a5172b6-f69f-4a67-b57d-cd674ace63eb"
  resource_origin_system = "AadGroup"
}

# Group SG-Customer-Support-Support-Specialist-Tier-2-3
resource "azuread_access_package_resource_catalog_association" "group_sg_customer_support_support_specialist_tier_2_3" {
  catalog_id             = azuread_access_package_catalog.rolemine.id
  resource_origin_id     = "251071a3-b805-4370-990a-bac6938d2dce"
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
  description  = "Access held by nearly every employee (288 users, 5 entitlements)."
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
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Account Executive","Account  Executive"]) -and (user.department -eq "Sales")
#   - application role Analyst on Gong
#   - site role Edit on Sales
#   - application role Quote.Approve on Salesforce
#   - application role Sales.User on Salesforce
#   - application role Territory.Manage on Salesforce
#   - direct assignment to the 5 users who hold its access today (back-fill)
resource "azuread_access_package" "account_executive_sales" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Account Executive / Sales"
  description  = "Job function Account Executive / Sales (56 users, 8 entitlements held by at least 91% of them)."
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

# Package Operations Coordinator / Operations
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Operations Coordinator","Operations  Coordinator","Operations Coord."]) -and (user.department -eq "Operations")
#   - site role Edit on Operations
#   - application role Shipping.Release on SAP EWM
#   - application role Warehouse.Clerk on SAP EWM
#   - application role Explorer on Tableau
#   - application role Viewer on Tableau
#   - direct assignment to the 2 users who hold its access today (back-fill)
resource "azuread_access_package" "operations_coordinator_operations" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Operations Coordinator / Operations"
  description  = "Job function Operations Coordinator / Operations (35 users, 8 entitlements held by at least 91% of them)."
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
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Sales Development Representative","Sales Development Rep"]) -and (user.department -eq "Sales")
#   - application role Coach on Gong
#   - site role Edit on Sales
#   - application role Quote.Approve on Salesforce
#   - application role Sales.User on Salesforce
#   - direct assignment to the 8 users who hold its access today (back-fill)
resource "azuread_access_package" "sales_development_representative_sales" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Sales Development Representative / Sales"
  description  = "Job function Sales Development Representative / Sales (39 users, 7 entitlements held by at least 87% of them)."
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

# Package Senior Software Engineer / Engineering
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Senior Software Engineer","Sr. Software Engineer"]) -and (user.department -eq "Engineering")
#   - application role Contributor on Azure DevOps
#   - application role Project.Admin on Azure DevOps
#   - site role Edit on Engineering
#   - application role Member on GitHub Enterprise
#   - application role Observer on PagerDuty
#   - incompatible with package software-engineer-engineering
#   - incompatible with package software-engineer-engineering-variant-1
#   - direct assignment to the 1 users who hold its access today (back-fill)
resource "azuread_access_package" "senior_software_engineer_engineering" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Senior Software Engineer / Engineering"
  description  = "Job function Senior Software Engineer / Engineering (38 users, 8 entitlements held by at least 92% of them)."
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
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -in ["Software Engineer","Software  Engineer","Software Eng."]) -and (user.department -eq "Engineering")
#   - application role Reader on Azure DevOps
#   - site role Edit on Engineering
#   - application role Member on GitHub Enterprise
#   - application role Manager on PagerDuty
#   - incompatible with package senior-software-engineer-engineering
#   - direct assignment to the 3 users who hold its access today (back-fill)
resource "azuread_access_package" "software_engineer_engineering" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Software Engineer / Engineering"
  description  = "Job function Software Engineer / Engineering (57 users, 7 entitlements held by at least 98% of them)."
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

# Package Software Engineer / Engineering (variant 1)
# Not expressible in the azuread provider; see graph-plan.json:
#   - application role Reader on Azure DevOps
#   - site role Edit on Engineering
#   - application role Member on GitHub Enterprise
#   - application role Manager on PagerDuty
#   - incompatible with package senior-software-engineer-engineering
#   - direct assignment to the 25 users who hold its access today (back-fill)
resource "azuread_access_package" "software_engineer_engineering_variant_1" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Software Engineer / Engineering (variant 1)"
  description  = "Variant Software Engineer / Engineering (variant 1): 26 users of the job function hold these 10 entitlements together; no attribute tells them apart, so assign it directly."
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

# Package Support Specialist / Customer Support
# Not expressible in the azuread provider; see graph-plan.json:
#   - automatic assignment rule (user.userType -eq "Member") -and (user.jobTitle -eq "Support Specialist") -and (user.department -eq "Customer Support")
#   - site role Edit on Customer Support
#   - application role itil on ServiceNow
#   - application role kb_writer on ServiceNow
#   - application role sla_manager on ServiceNow
#   - application role Light Agent on Zendesk
#   - direct assignment to the 4 users who hold its access today (back-fill)
resource "azuread_access_package" "support_specialist_customer_support" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Support Specialist / Customer Support"
  description  = "Job function Support Specialist / Customer Support (52 users, 8 entitlements held by at least 98% of them)."
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

# Package Support Specialist / Customer Support (variant 1)
# Not expressible in the azuread provider; see graph-plan.json:
#   - site role Edit on Customer Support
#   - application role itil on ServiceNow
#   - application role kb_writer on ServiceNow
#   - application role sla_manager on ServiceNow
#   - application role Light Agent on Zendesk
#   - direct assignment to the 17 users who hold its access today (back-fill)
resource "azuread_access_package" "support_specialist_customer_support_variant_1" {
  catalog_id   = azuread_access_package_catalog.rolemine.id
  display_name = "Support Specialist / Customer Support (variant 1)"
  description  = "Variant Support Specialist / Customer Support (variant 1): 18 users of the job function hold these 11 entitlements together; no attribute tells them apart, so assign it directly."
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
