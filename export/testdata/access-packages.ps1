# rolemine access packages for catalog Finance roles: 34 requests.
# Warning: automatic assignment policies need a Microsoft Entra ID Governance licence, and only a Global Administrator or Identity Governance Administrator can create them
# Left out: package controller-finance, User on legacy-app: resource type unknown: ingest a resources file to include it
<#
.SYNOPSIS
Creates the access packages rolemine proposed in Microsoft Entra entitlement management.

.DESCRIPTION
The same requests as graph-plan.json, sent with Invoke-MgGraphRequest from the Microsoft
Graph PowerShell SDK. Every object is looked up (by display name, or by origin id for
resources and role scopes) before it is created, so running the script again creates
nothing new, and a run that stopped halfway can be run again. -WhatIf shows what would
be created without writing anything. A policy whose rule or settings changed after a
re-mine is replaced (PUT); role scopes the plan no longer grants are listed, and removed
only with -Prune. A rollback plan's removals run only for what is still there.

Connect first, with the rights to create packages (and, for automatic assignment
policies, the Identity Governance Administrator role):
    Connect-MgGraph -Scopes EntitlementManagement.ReadWrite.All,Application.Read.All

Runs in Windows PowerShell 5.1 and PowerShell 7. The file is UTF-8 with a byte-order
mark, so that Windows PowerShell reads names with accents and typographic quotes as
written; keep the mark if you edit and save it.
#>
#Requires -Version 5.1
#Requires -Modules @{ ModuleName = 'Microsoft.Graph.Authentication'; ModuleVersion = '2.0.0' }
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Remove the role scopes of the packages that the plan no longer grants.
    [switch] $Prune
)

$ErrorActionPreference = 'Stop'
$script:Ids = @{}
$script:Created = 0
$script:Existing = 0
$script:Updated = 0
$script:Removed = 0
$script:Absent = 0
$script:Lists = @{}
$script:Found = $null
$script:PruneStale = [bool] $Prune

# Fills the {{name}} placeholders with the ids captured so far; $null when
# one is not known yet (under -WhatIf, for an object that would be created).
function Resolve-Text([string] $Text) {
    foreach ($m in [regex]::Matches($Text, '\{\{([^{}]+)\}\}')) {
        $name = $m.Groups[1].Value
        if (-not $script:Ids.ContainsKey($name)) { return $null }
        $Text = $Text.Replace($m.Value, [string] $script:Ids[$name])
    }
    return $Text
}

# Reads from Graph; reads run under -WhatIf too.
function Invoke-GraphGet([string] $Uri) {
    $WhatIfPreference = $false
    return Invoke-MgGraphRequest -Method GET -Uri $Uri -OutputType HashTable
}

# Turns a plan path (query unencoded, every parameter starting with $) into
# a URI for Invoke-MgGraphRequest.
function ConvertTo-GraphUri([string] $Path) {
    if ($Path -match '^https?://') { return $Path }
    $parts = $Path.Split('?', 2)
    $uri = 'v1.0' + $parts[0]
    if ($parts.Count -gt 1) {
        $params = $parts[1] -split '&(?=\$)'
        $uri += '?' + (($params | ForEach-Object {
            $kv = $_.Split('=', 2)
            $kv[0] + '=' + [uri]::EscapeDataString($kv[1])
        }) -join '&')
    }
    return $uri
}

function Get-Field($Object, [string] $Path) {
    $cur = $Object
    foreach ($part in $Path.Split('.')) {
        if ($part -match '^(\w+)\[(\d+)\]$') {
            $cur = $cur[$Matches[1]]
            if ($null -eq $cur -or $cur.Count -le [int] $Matches[2]) { return $null }
            $cur = $cur[[int] $Matches[2]]
        } else {
            if ($null -eq $cur) { return $null }
            $cur = $cur[$part]
        }
    }
    return $cur
}

function Set-Captures($Object, [hashtable] $Captures) {
    foreach ($name in $Captures.Keys) {
        $value = Get-Field $Object $Captures[$name]
        if ($null -eq $value) { throw "The response has no $($Captures[$name])" }
        $script:Ids[$name] = [string] $value
    }
}

# Reads every page of a list.
function Get-AllItems([string] $Uri) {
    $items = @()
    while ($Uri) {
        $page = Invoke-GraphGet $Uri
        $items += @($page['value'])
        $Uri = $page['@odata.nextLink']
    }
    return ,$items
}

# Reads a list until the Field of its items holds every value of Want
# (Entra answers an assignment request before it delivers it), or, with
# Absent, none of them any more.
function Wait-Items([string] $Uri, [hashtable] $Await) {
    $deadline = (Get-Date).AddMinutes(2)
    $absent = [bool] $Await.Absent
    while ($true) {
        $have = @{}
        foreach ($item in (Get-AllItems $Uri)) { $have[[string] (Get-Field $item $Await.Field)] = $true }
        $missing = @($Await.Want | Where-Object { $have.ContainsKey($_) -eq $absent })
        if ($missing.Count -eq 0) { return }
        if ((Get-Date) -gt $deadline) {
            $state = if ($absent) { 'still there' } else { 'not delivered yet' }
            throw "$($Await.What): $($missing.Count) of $($Await.Want.Count) $state; run the script again to check"
        }
        Start-Sleep -Seconds 2
    }
}

# Writes ISO 8601 durations of weeks and days in days, so that P14D and
# P2W (as Graph may answer) compare equal.
function ConvertTo-Canonical([string] $Value) {
    if ($Value -ne 'P' -and $Value -match '^P(?:(\d+)W)?(?:(\d+)D)?$') {
        $days = 0
        if ($Matches[1]) { $days += 7 * [int] $Matches[1] }
        if ($Matches[2]) { $days += [int] $Matches[2] }
        return "P$($days)D"
    }
    return $Value
}

# Whether Have (as Graph answered) holds every value of Want (parsed from
# the plan's JSON): equal leaves, lists of the same length item by item,
# objects with at least Want's properties.
function Test-Covers($Have, $Want) {
    if ($null -eq $Want) { return ($null -eq $Have) }
    if ($Want -is [System.Management.Automation.PSCustomObject]) {
        if ($null -eq $Have) { return $false }
        foreach ($p in $Want.PSObject.Properties) {
            if ($Have -is [System.Collections.IDictionary]) { $h = $Have[$p.Name] } else { $h = $Have.($p.Name) }
            if (-not (Test-Covers $h $p.Value)) { return $false }
        }
        return $true
    }
    if ($Want -is [System.Array]) {
        if ($null -eq $Have) { $h = @() } else { $h = @($Have) }
        if ($h.Count -ne $Want.Count) { return $false }
        for ($i = 0; $i -lt $Want.Count; $i++) { if (-not (Test-Covers $h[$i] $Want[$i])) { return $false } }
        return $true
    }
    return ((ConvertTo-Canonical ([string] $Have)) -ceq (ConvertTo-Canonical ([string] $Want)))
}

# Replaces the object the lookup found ($script:Found) when one of the
# Update's Compare fields differs from the body: PUT to the Update's Path
# followed by its id, with the body and that id.
function Update-Existing {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string] $Id, [string] $Description, [string] $Body, [hashtable] $Update)
    $json = Resolve-Text $Body
    if ($null -eq $json) { throw "Step ${Id}: a value it needs is missing" }
    $want = $json | ConvertFrom-Json
    $changed = @()
    foreach ($f in $Update.Compare) {
        if ($want.PSObject.Properties.Name -notcontains $f) { continue }
        if (-not (Test-Covers $script:Found[$f] $want.$f)) { $changed += $f }
    }
    if ($changed.Count -eq 0) { $script:Existing++; Write-Host "exists       $Description"; return }
    $detail = "$Description (changed: $($changed -join ', '))"
    if (-not $PSCmdlet.ShouldProcess($detail, 'Update')) { return }
    $objectId = [string] $script:Found['id']
    $json = $json.Substring(0, $json.LastIndexOf('}')) + ',"id":"' + $objectId + '"}'
    Invoke-MgGraphRequest -Method PUT -Uri (ConvertTo-GraphUri ($Update.Path + $objectId)) -Body $json -ContentType 'application/json' -OutputType HashTable | Out-Null
    $script:Updated++
    Write-Host "updated      $detail"
}

# Lists the items at Uri and removes those whose Fields, joined by |, are
# none of Keep: the role scopes a re-mine dropped. Only with -Prune.
function Remove-Stale {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string] $Uri, [hashtable] $PruneItems, [string] $Description)
    $keep = @{}
    foreach ($k in $PruneItems.Keep) {
        $v = Resolve-Text $k
        if ($null -eq $v) { Write-Host "would read   $Description"; return }
        $keep[$v] = $true
    }
    $stale = @()
    $names = @()
    foreach ($item in (Get-AllItems $Uri)) {
        $parts = @()
        foreach ($f in $PruneItems.Fields) { $parts += [string] (Get-Field $item $f) }
        if (-not $keep.ContainsKey($parts -join '|')) {
            $stale += ,$item
            $names += [string] (Get-Field $item 'role.displayName')
        }
    }
    if ($stale.Count -eq 0) { Write-Host "read         $Description"; return }
    $detail = "${Description}: $($stale.Count) no longer in the plan ($($names -join ', '))"
    if (-not $script:PruneStale) { Write-Host "would remove $detail; -Prune removes them"; return }
    $base = $Uri.Split('?')[0]
    foreach ($item in $stale) {
        if (-not $PSCmdlet.ShouldProcess("$($PruneItems.What): $(Get-Field $item 'role.displayName')", 'Remove')) { continue }
        Invoke-MgGraphRequest -Method DELETE -Uri ($base + '/' + [string] $item['id']) | Out-Null
        $script:Removed++
    }
    Write-Host "removed      $detail"
}

# Looks up the object a step would create: $true when it exists (its ids
# are captured, and the object is in $script:Found), $false when not, $null
# when the lookup cannot run yet. A shared lookup reads its list once for
# all the steps that use it.
function Find-Existing([string] $Lookup, [hashtable] $Match, [hashtable] $Captures, [switch] $Shared) {
    $uri = Resolve-Text $Lookup
    if ($null -eq $uri) { return $null }
    $want = @{}
    foreach ($k in $Match.Keys) {
        $v = Resolve-Text $Match[$k]
        if ($null -eq $v) { return $null }
        $want[$k] = $v
    }
    $uri = ConvertTo-GraphUri $uri
    if ($Shared) {
        if (-not $script:Lists.ContainsKey($uri)) { $script:Lists[$uri] = Get-AllItems $uri }
        foreach ($item in $script:Lists[$uri]) {
            $ok = $true
            foreach ($k in $want.Keys) { if ([string] (Get-Field $item $k) -cne $want[$k]) { $ok = $false } }
            if ($ok) { Set-Captures $item $Captures; $script:Found = $item; return $true }
        }
        return $false
    }
    while ($uri) {
        $page = Invoke-GraphGet $uri
        foreach ($item in $page['value']) {
            $ok = $true
            foreach ($k in $want.Keys) { if ([string] (Get-Field $item $k) -cne $want[$k]) { $ok = $false } }
            if ($ok) { Set-Captures $item $Captures; $script:Found = $item; return $true }
        }
        $uri = $page['@odata.nextLink']
    }
    return $false
}

# Picks the listed item whose Field is the first of the Choose's Names, or
# else ends with one of its Suffixes after a space; $null when none fits.
function Select-Choice($Items, [hashtable] $Choose) {
    foreach ($want in $Choose.Names) {
        foreach ($it in $Items) { if (([string] $it[$Choose.Field]).Trim() -ieq $want) { return $it } }
    }
    foreach ($suffix in $Choose.Suffixes) {
        foreach ($it in $Items) {
            $n = ([string] $it[$Choose.Field]).Trim()
            if ($n -ieq $suffix -or $n.EndsWith(' ' + $suffix, [System.StringComparison]::OrdinalIgnoreCase)) { return $it }
        }
    }
    return $null
}

function Invoke-Step {
    [CmdletBinding(SupportsShouldProcess = $true)]
    param([string] $Id, [string] $Description, [string] $Method, [string] $Path, [string] $Body,
        [hashtable] $Captures = @{}, [string] $Lookup, [hashtable] $Match = @{}, [hashtable] $LookupCaptures = @{},
        [switch] $Shared, [hashtable] $Choose, [hashtable] $Await, [hashtable] $Update, [hashtable] $PruneItems,
        [string] $Find, [hashtable] $FindMatch = @{}, [hashtable] $FindCaptures = @{}, [switch] $FindShared)
    if ($Find) {
        # A removal: only of what is still there.
        $found = Find-Existing $Find $FindMatch $FindCaptures -Shared:$FindShared
        if ($null -eq $found) {
            if ($WhatIfPreference) { Write-Host "would remove $Description"; return }
            throw "Step ${Id}: a value it needs is missing"
        }
        if (-not $found) { $script:Absent++; Write-Host "absent       $Description"; return }
    }
    if ($Lookup) {
        $found = Find-Existing $Lookup $Match $LookupCaptures -Shared:$Shared
        if ($found) {
            if ($Update) { Update-Existing $Id $Description $Body $Update; return }
            $script:Existing++; Write-Host "exists       $Description"; return
        }
    }
    $uri = Resolve-Text $Path
    if ($Method -eq 'DELETE') {
        if (-not $PSCmdlet.ShouldProcess($Description, 'Remove')) { return }
        if ($null -eq $uri) { throw "Step ${Id}: a value it needs is missing" }
        Invoke-MgGraphRequest -Method DELETE -Uri (ConvertTo-GraphUri $uri) | Out-Null
        $script:Removed++
        Write-Host "removed      $Description"
        return
    }
    if ($Method -eq 'GET') {
        if ($null -eq $uri) { Write-Host "would read   $Description"; return }
        if ($PruneItems) { Remove-Stale (ConvertTo-GraphUri $uri) $PruneItems $Description; return }
        if ($Await) {
            if ($WhatIfPreference) { Write-Host "would read   $Description"; return }
            Wait-Items (ConvertTo-GraphUri $uri) $Await
            Write-Host "read         $Description"
            return
        }
        $doc = Invoke-GraphGet (ConvertTo-GraphUri $uri)
        if ($Choose) {
            $items = @()
            while ($true) {
                $items += @($doc[$Choose.List])
                if (-not $doc['@odata.nextLink']) { break }
                $doc = Invoke-GraphGet $doc['@odata.nextLink']
            }
            $pick = Select-Choice $items $Choose
            if ($null -eq $pick) {
                $found = ($items | ForEach-Object { '"' + $_[$Choose.Field] + '"' }) -join ', '
                throw "$($Choose.What): no role fits; the roles found are $found"
            }
            Set-Captures $pick $Choose.Captures
            Write-Host "read         $Description"
            return
        }
        try { Set-Captures $doc $Captures } catch { if ($WhatIfPreference) { Write-Host "would read   $Description"; return }; throw }
        Write-Host "read         $Description"
        return
    }
    $verb = 'Create'
    if ($Find) { $verb = 'Remove' }
    if (-not $PSCmdlet.ShouldProcess($Description, $verb)) { return }
    $json = Resolve-Text $Body
    if ($null -eq $uri -or $null -eq $json) { throw "Step ${Id}: a value it needs is missing" }
    $doc = Invoke-MgGraphRequest -Method POST -Uri (ConvertTo-GraphUri $uri) -Body $json -ContentType 'application/json' -OutputType HashTable
    Set-Captures $doc $Captures
    if ($Find) { $script:Removed++; Write-Host "removed      $Description"; return }
    $script:Created++
    Write-Host "created      $Description"
}

# catalog
Invoke-Step -Id 'catalog' -Description 'Create the catalog Finance roles' -Method POST -Path '/identityGovernance/entitlementManagement/catalogs' `
    -Body @'
{"description":"Job-function access packages proposed by rolemine","displayName":"Finance roles","isExternallyVisible":false,"state":"published"}
'@ `
    -Captures @{ 'catalog.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/catalogs?$filter=displayName eq ''Finance roles''' -Match @{ 'displayName' = 'Finance roles' } -LookupCaptures @{ 'catalog.id' = 'id' }

# resourceRequest:11111111-1111-4111-8111-111111111111
Invoke-Step -Id 'resourceRequest:11111111-1111-4111-8111-111111111111' -Description 'Add group "SG-Payroll" to the catalog' -Method POST -Path '/identityGovernance/entitlementManagement/resourceRequests' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"requestType":"adminAdd","resource":{"displayName":"SG-Payroll","originId":"11111111-1111-4111-8111-111111111111","originSystem":"AadGroup"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''11111111-1111-4111-8111-111111111111''' -Match @{ 'originId' = '11111111-1111-4111-8111-111111111111' }

# resource:11111111-1111-4111-8111-111111111111
Invoke-Step -Id 'resource:11111111-1111-4111-8111-111111111111' -Description 'Read back the catalog resource for "SG-Payroll" with its roles' -Method GET -Path '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''11111111-1111-4111-8111-111111111111''&$expand=roles,scopes' `
    -Captures @{ 'resource.11111111-1111-4111-8111-111111111111.id' = 'value[0].id' }

# resourceRequest:22222222-2222-4222-8222-222222222222
Invoke-Step -Id 'resourceRequest:22222222-2222-4222-8222-222222222222' -Description 'Add application "SAP" to the catalog' -Method POST -Path '/identityGovernance/entitlementManagement/resourceRequests' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"requestType":"adminAdd","resource":{"displayName":"SAP","originId":"22222222-2222-4222-8222-222222222222","originSystem":"AadApplication"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''22222222-2222-4222-8222-222222222222''' -Match @{ 'originId' = '22222222-2222-4222-8222-222222222222' }

# resource:22222222-2222-4222-8222-222222222222
Invoke-Step -Id 'resource:22222222-2222-4222-8222-222222222222' -Description 'Read back the catalog resource for "SAP" with its roles' -Method GET -Path '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''22222222-2222-4222-8222-222222222222''&$expand=roles,scopes' `
    -Captures @{ 'resource.22222222-2222-4222-8222-222222222222.id' = 'value[0].id' }

# resourceRequest:https://contoso.sharepoint.com/sites/Finance
Invoke-Step -Id 'resourceRequest:https://contoso.sharepoint.com/sites/Finance' -Description 'Add site "=Finance" to the catalog' -Method POST -Path '/identityGovernance/entitlementManagement/resourceRequests' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"requestType":"adminAdd","resource":{"displayName":"=Finance","originId":"https://contoso.sharepoint.com/sites/Finance","originSystem":"SharePointOnline"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''https://contoso.sharepoint.com/sites/Finance''' -Match @{ 'originId' = 'https://contoso.sharepoint.com/sites/Finance' }

# resource:https://contoso.sharepoint.com/sites/Finance
Invoke-Step -Id 'resource:https://contoso.sharepoint.com/sites/Finance' -Description 'Read back the catalog resource for "=Finance" with its roles' -Method GET -Path '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''https://contoso.sharepoint.com/sites/Finance''&$expand=roles,scopes' `
    -Captures @{ 'resource.https://contoso.sharepoint.com/sites/Finance.id' = 'value[0].id' }

# resourceRequest:https://contoso.sharepoint.com/sites/Receivables
Invoke-Step -Id 'resourceRequest:https://contoso.sharepoint.com/sites/Receivables' -Description 'Add site "Receivables" to the catalog' -Method POST -Path '/identityGovernance/entitlementManagement/resourceRequests' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"requestType":"adminAdd","resource":{"displayName":"Receivables","originId":"https://contoso.sharepoint.com/sites/Receivables","originSystem":"SharePointOnline"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''https://contoso.sharepoint.com/sites/Receivables''' -Match @{ 'originId' = 'https://contoso.sharepoint.com/sites/Receivables' }

# resource:https://contoso.sharepoint.com/sites/Receivables
Invoke-Step -Id 'resource:https://contoso.sharepoint.com/sites/Receivables' -Description 'Read back the catalog resource for "Receivables" with its roles' -Method GET -Path '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resources?$filter=originId eq ''https://contoso.sharepoint.com/sites/Receivables''&$expand=roles,scopes' `
    -Captures @{ 'resource.https://contoso.sharepoint.com/sites/Receivables.id' = 'value[0].id' }

# package:payroll-clerk-finance
Invoke-Step -Id 'package:payroll-clerk-finance' -Description 'Create the access package Payroll "Clerk" / Finance' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"description":"Job function \u003cPayroll\u003e","displayName":"Payroll \"Clerk\" / Finance","isHidden":false}
'@ `
    -Captures @{ 'package.payroll-clerk-finance.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages?$filter=displayName eq ''Payroll "Clerk" / Finance''&$expand=catalog' -Match @{ 'catalog.id' = '{{catalog.id}}'; 'displayName' = 'Payroll "Clerk" / Finance' } -LookupCaptures @{ 'package.payroll-clerk-finance.id' = 'id' }

# roleScope:payroll-clerk-finance:11111111-1111-4111-8111-111111111111:Member
Invoke-Step -Id 'roleScope:payroll-clerk-finance:11111111-1111-4111-8111-111111111111:Member' -Description 'Grant Member on "SG-Payroll" through Payroll "Clerk" / Finance' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/resourceRoleScopes' `
    -Body @'
{"role":{"displayName":"Member","originId":"Member_11111111-1111-4111-8111-111111111111","originSystem":"AadGroup","resource":{"id":"{{resource.11111111-1111-4111-8111-111111111111.id}}"}},"scope":{"isRootScope":true,"originId":"11111111-1111-4111-8111-111111111111","originSystem":"AadGroup"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/resourceRoleScopes?$expand=role,scope' -Match @{ 'role.originId' = 'Member_11111111-1111-4111-8111-111111111111'; 'scope.originId' = '11111111-1111-4111-8111-111111111111' }

# appRole:22222222-2222-4222-8222-222222222222:AP.Clerk
Invoke-Step -Id 'appRole:22222222-2222-4222-8222-222222222222:AP.Clerk' -Description 'Find the app role AP.Clerk of "SAP"' -Method GET -Path '/servicePrincipals/22222222-2222-4222-8222-222222222222?$select=id,appRoles' `
    -Choose @{ What = 'application "SAP" (22222222-2222-4222-8222-222222222222) role "AP.Clerk"'; Names = @('AP.Clerk'); Suffixes = @(); List = 'appRoles'; Field = 'value'; Captures = @{ 'role.22222222-2222-4222-8222-222222222222.AP.Clerk.displayName' = 'displayName'; 'role.22222222-2222-4222-8222-222222222222.AP.Clerk.originId' = 'id' } }

# roleScope:payroll-clerk-finance:22222222-2222-4222-8222-222222222222:AP.Clerk
Invoke-Step -Id 'roleScope:payroll-clerk-finance:22222222-2222-4222-8222-222222222222:AP.Clerk' -Description 'Grant AP.Clerk on "SAP" through Payroll "Clerk" / Finance' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/resourceRoleScopes' `
    -Body @'
{"role":{"displayName":"{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.displayName}}","originId":"{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.originId}}","originSystem":"AadApplication","resource":{"id":"{{resource.22222222-2222-4222-8222-222222222222.id}}"}},"scope":{"isRootScope":true,"originId":"22222222-2222-4222-8222-222222222222","originSystem":"AadApplication"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/resourceRoleScopes?$expand=role,scope' -Match @{ 'role.originId' = '{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.originId}}'; 'scope.originId' = '22222222-2222-4222-8222-222222222222' }

# resourceRole:https://contoso.sharepoint.com/sites/Finance:Edit
Invoke-Step -Id 'resourceRole:https://contoso.sharepoint.com/sites/Finance:Edit' -Description 'Find the SharePoint group of "=Finance" that grants Edit' -Method GET -Path '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resourceRoles?$filter=originSystem eq ''SharePointOnline'' and resource/id eq ''{{resource.https://contoso.sharepoint.com/sites/Finance.id}}''' `
    -Choose @{ What = 'site "=Finance" (https://contoso.sharepoint.com/sites/Finance) role "Edit"'; Names = @('Edit', '=Finance Members'); Suffixes = @('Members'); List = 'value'; Field = 'displayName'; Captures = @{ 'role.https://contoso.sharepoint.com/sites/Finance.Edit.displayName' = 'displayName'; 'role.https://contoso.sharepoint.com/sites/Finance.Edit.originId' = 'originId' } }

# roleScope:payroll-clerk-finance:https://contoso.sharepoint.com/sites/Finance:Edit
Invoke-Step -Id 'roleScope:payroll-clerk-finance:https://contoso.sharepoint.com/sites/Finance:Edit' -Description 'Grant Edit on "=Finance" through Payroll "Clerk" / Finance' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/resourceRoleScopes' `
    -Body @'
{"role":{"displayName":"{{role.https://contoso.sharepoint.com/sites/Finance.Edit.displayName}}","originId":"{{role.https://contoso.sharepoint.com/sites/Finance.Edit.originId}}","originSystem":"SharePointOnline","resource":{"id":"{{resource.https://contoso.sharepoint.com/sites/Finance.id}}"}},"scope":{"isRootScope":true,"originId":"https://contoso.sharepoint.com/sites/Finance","originSystem":"SharePointOnline"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/resourceRoleScopes?$expand=role,scope' -Match @{ 'role.originId' = '{{role.https://contoso.sharepoint.com/sites/Finance.Edit.originId}}'; 'scope.originId' = 'https://contoso.sharepoint.com/sites/Finance' }

# policy:payroll-clerk-finance
Invoke-Step -Id 'policy:payroll-clerk-finance' -Description 'Create the assignment policy "Automatic: Payroll \"Clerk\" / Finance"' -Method POST -Path '/identityGovernance/entitlementManagement/assignmentPolicies' `
    -Body @'
{"accessPackage":{"id":"{{package.payroll-clerk-finance.id}}"},"allowedTargetScope":"specificDirectoryUsers","automaticRequestSettings":{"gracePeriodBeforeAccessRemoval":"P7D","removeAccessWhenTargetLeavesAllowedTargets":true,"requestAccessForAllowedTargets":true},"description":"Assigns the package to every user the rule selects","displayName":"Automatic: Payroll \"Clerk\" / Finance","specificAllowedTargets":[{"@odata.type":"#microsoft.graph.attributeRuleMembers","description":"Payroll \"Clerk\" / Finance","membershipRule":"(user.userType -eq \"Member\") -and (user.jobTitle -in [\"Payroll `\"Clerk`\"\",\"Payroll Clrk\"]) -and (user.department -eq \"Finance\")"}]}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/assignmentPolicies' -Match @{ 'displayName' = 'Automatic: Payroll "Clerk" / Finance' } `
    -Update @{ Path = '/identityGovernance/entitlementManagement/assignmentPolicies/'; Compare = @('allowedTargetScope', 'specificAllowedTargets', 'automaticRequestSettings', 'expiration', 'requestApprovalSettings', 'reviewSettings', 'questions') }

# prune:payroll-clerk-finance
Invoke-Step -Id 'prune:payroll-clerk-finance' -Description 'Remove the role scopes of Payroll "Clerk" / Finance that the plan no longer grants' -Method GET -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/resourceRoleScopes?$expand=role,scope' `
    -PruneItems @{ What = 'role scopes of Payroll "Clerk" / Finance'; Fields = @('role.originId', 'scope.originId'); Keep = @('Member_11111111-1111-4111-8111-111111111111|11111111-1111-4111-8111-111111111111', '{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.originId}}|22222222-2222-4222-8222-222222222222', '{{role.https://contoso.sharepoint.com/sites/Finance.Edit.originId}}|https://contoso.sharepoint.com/sites/Finance') }

# policy:payroll-clerk-finance:direct
Invoke-Step -Id 'policy:payroll-clerk-finance:direct' -Description 'Create the assignment policy "Direct assignment: Payroll \"Clerk\" / Finance"' -Method POST -Path '/identityGovernance/entitlementManagement/assignmentPolicies' `
    -Body @'
{"accessPackage":{"id":"{{package.payroll-clerk-finance.id}}"},"allowedTargetScope":"notSpecified","description":"Administrators assign this package directly","displayName":"Direct assignment: Payroll \"Clerk\" / Finance","expiration":{"type":"noExpiration"},"requestApprovalSettings":{"isApprovalRequiredForAdd":false,"isApprovalRequiredForUpdate":false,"stages":[]},"requestorSettings":{"allowCustomAssignmentSchedule":false,"enableOnBehalfRequestorsToAddAccess":false,"enableOnBehalfRequestorsToRemoveAccess":false,"enableOnBehalfRequestorsToUpdateAccess":false,"enableTargetsToSelfAddAccess":false,"enableTargetsToSelfRemoveAccess":false,"enableTargetsToSelfUpdateAccess":false,"onBehalfRequestors":[]},"specificAllowedTargets":[]}
'@ `
    -Captures @{ 'package.payroll-clerk-finance.directPolicy.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/assignmentPolicies' -Match @{ 'displayName' = 'Direct assignment: Payroll "Clerk" / Finance' } -LookupCaptures @{ 'package.payroll-clerk-finance.directPolicy.id' = 'id' } `
    -Update @{ Path = '/identityGovernance/entitlementManagement/assignmentPolicies/'; Compare = @('allowedTargetScope', 'specificAllowedTargets', 'automaticRequestSettings', 'expiration', 'requestApprovalSettings', 'reviewSettings', 'questions') }

# package:controller-finance
Invoke-Step -Id 'package:controller-finance' -Description 'Create the access package Controller / Finance' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"description":"","displayName":"Controller / Finance","isHidden":false}
'@ `
    -Captures @{ 'package.controller-finance.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages?$filter=displayName eq ''Controller / Finance''&$expand=catalog' -Match @{ 'catalog.id' = '{{catalog.id}}'; 'displayName' = 'Controller / Finance' } -LookupCaptures @{ 'package.controller-finance.id' = 'id' }

# roleScope:controller-finance:11111111-1111-4111-8111-111111111111:Owner
Invoke-Step -Id 'roleScope:controller-finance:11111111-1111-4111-8111-111111111111:Owner' -Description 'Grant Owner on "SG-Payroll" through Controller / Finance' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.controller-finance.id}}/resourceRoleScopes' `
    -Body @'
{"role":{"displayName":"Owner","originId":"Owner_11111111-1111-4111-8111-111111111111","originSystem":"AadGroup","resource":{"id":"{{resource.11111111-1111-4111-8111-111111111111.id}}"}},"scope":{"isRootScope":true,"originId":"11111111-1111-4111-8111-111111111111","originSystem":"AadGroup"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.controller-finance.id}}/resourceRoleScopes?$expand=role,scope' -Match @{ 'role.originId' = 'Owner_11111111-1111-4111-8111-111111111111'; 'scope.originId' = '11111111-1111-4111-8111-111111111111' }

# prune:controller-finance
Invoke-Step -Id 'prune:controller-finance' -Description 'Remove the role scopes of Controller / Finance that the plan no longer grants' -Method GET -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.controller-finance.id}}/resourceRoleScopes?$expand=role,scope' `
    -PruneItems @{ What = 'role scopes of Controller / Finance'; Fields = @('role.originId', 'scope.originId'); Keep = @('Owner_11111111-1111-4111-8111-111111111111|11111111-1111-4111-8111-111111111111') }

# policy:controller-finance
Invoke-Step -Id 'policy:controller-finance' -Description 'Create the assignment policy "Direct assignment: Controller / Finance"' -Method POST -Path '/identityGovernance/entitlementManagement/assignmentPolicies' `
    -Body @'
{"accessPackage":{"id":"{{package.controller-finance.id}}"},"allowedTargetScope":"notSpecified","description":"Administrators assign this package directly","displayName":"Direct assignment: Controller / Finance","expiration":{"type":"noExpiration"},"requestApprovalSettings":{"isApprovalRequiredForAdd":false,"isApprovalRequiredForUpdate":false,"stages":[]},"requestorSettings":{"allowCustomAssignmentSchedule":false,"enableOnBehalfRequestorsToAddAccess":false,"enableOnBehalfRequestorsToRemoveAccess":false,"enableOnBehalfRequestorsToUpdateAccess":false,"enableTargetsToSelfAddAccess":false,"enableTargetsToSelfRemoveAccess":false,"enableTargetsToSelfUpdateAccess":false,"onBehalfRequestors":[]},"reviewSettings":{"expirationBehavior":"keepAccess","isEnabled":true,"isRecommendationEnabled":true,"isReviewerJustificationRequired":true,"isSelfReview":false,"primaryReviewers":[{"@odata.type":"#microsoft.graph.requestorManager","managerLevel":1}],"schedule":{"expiration":{"duration":"P14D","type":"afterDuration"},"recurrence":{"pattern":{"interval":3,"type":"absoluteMonthly"},"range":{"type":"noEnd"}}}},"specificAllowedTargets":[]}
'@ `
    -Captures @{ 'package.controller-finance.directPolicy.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.controller-finance.id}}/assignmentPolicies' -Match @{ 'displayName' = 'Direct assignment: Controller / Finance' } -LookupCaptures @{ 'package.controller-finance.directPolicy.id' = 'id' } `
    -Update @{ Path = '/identityGovernance/entitlementManagement/assignmentPolicies/'; Compare = @('allowedTargetScope', 'specificAllowedTargets', 'automaticRequestSettings', 'expiration', 'requestApprovalSettings', 'reviewSettings', 'questions') }

# package:ap-team-access-cluster
Invoke-Step -Id 'package:ap-team-access-cluster' -Description 'Create the access package AP team (access cluster)' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"description":"","displayName":"AP team (access cluster)","isHidden":false}
'@ `
    -Captures @{ 'package.ap-team-access-cluster.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages?$filter=displayName eq ''AP team (access cluster)''&$expand=catalog' -Match @{ 'catalog.id' = '{{catalog.id}}'; 'displayName' = 'AP team (access cluster)' } -LookupCaptures @{ 'package.ap-team-access-cluster.id' = 'id' }

# roleScope:ap-team-access-cluster:22222222-2222-4222-8222-222222222222:AP.Clerk
Invoke-Step -Id 'roleScope:ap-team-access-cluster:22222222-2222-4222-8222-222222222222:AP.Clerk' -Description 'Grant AP.Clerk on "SAP" through AP team (access cluster)' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.ap-team-access-cluster.id}}/resourceRoleScopes' `
    -Body @'
{"role":{"displayName":"{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.displayName}}","originId":"{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.originId}}","originSystem":"AadApplication","resource":{"id":"{{resource.22222222-2222-4222-8222-222222222222.id}}"}},"scope":{"isRootScope":true,"originId":"22222222-2222-4222-8222-222222222222","originSystem":"AadApplication"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.ap-team-access-cluster.id}}/resourceRoleScopes?$expand=role,scope' -Match @{ 'role.originId' = '{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.originId}}'; 'scope.originId' = '22222222-2222-4222-8222-222222222222' }

# policy:ap-team-access-cluster
Invoke-Step -Id 'policy:ap-team-access-cluster' -Description 'Create the assignment policy "Automatic: AP team (access cluster)"' -Method POST -Path '/identityGovernance/entitlementManagement/assignmentPolicies' `
    -Body @'
{"accessPackage":{"id":"{{package.ap-team-access-cluster.id}}"},"allowedTargetScope":"specificDirectoryUsers","automaticRequestSettings":{"gracePeriodBeforeAccessRemoval":"P7D","removeAccessWhenTargetLeavesAllowedTargets":true,"requestAccessForAllowedTargets":true},"description":"Assigns the package to every user the rule selects","displayName":"Automatic: AP team (access cluster)","specificAllowedTargets":[{"@odata.type":"#microsoft.graph.attributeRuleMembers","description":"AP team (access cluster)","membershipRule":"(user.userType -eq \"Member\") -and (user.physicalDeliveryOfficeName -eq \"Oslo\")"}]}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.ap-team-access-cluster.id}}/assignmentPolicies' -Match @{ 'displayName' = 'Automatic: AP team (access cluster)' } `
    -Update @{ Path = '/identityGovernance/entitlementManagement/assignmentPolicies/'; Compare = @('allowedTargetScope', 'specificAllowedTargets', 'automaticRequestSettings', 'expiration', 'requestApprovalSettings', 'reviewSettings', 'questions') }

# prune:ap-team-access-cluster
Invoke-Step -Id 'prune:ap-team-access-cluster' -Description 'Remove the role scopes of AP team (access cluster) that the plan no longer grants' -Method GET -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.ap-team-access-cluster.id}}/resourceRoleScopes?$expand=role,scope' `
    -PruneItems @{ What = 'role scopes of AP team (access cluster)'; Fields = @('role.originId', 'scope.originId'); Keep = @('{{role.22222222-2222-4222-8222-222222222222.AP.Clerk.originId}}|22222222-2222-4222-8222-222222222222') }

# policy:ap-team-access-cluster:direct
Invoke-Step -Id 'policy:ap-team-access-cluster:direct' -Description 'Create the assignment policy "Direct assignment: AP team (access cluster)"' -Method POST -Path '/identityGovernance/entitlementManagement/assignmentPolicies' `
    -Body @'
{"accessPackage":{"id":"{{package.ap-team-access-cluster.id}}"},"allowedTargetScope":"notSpecified","description":"Administrators assign this package directly","displayName":"Direct assignment: AP team (access cluster)","expiration":{"type":"noExpiration"},"requestApprovalSettings":{"isApprovalRequiredForAdd":false,"isApprovalRequiredForUpdate":false,"stages":[]},"requestorSettings":{"allowCustomAssignmentSchedule":false,"enableOnBehalfRequestorsToAddAccess":false,"enableOnBehalfRequestorsToRemoveAccess":false,"enableOnBehalfRequestorsToUpdateAccess":false,"enableTargetsToSelfAddAccess":false,"enableTargetsToSelfRemoveAccess":false,"enableTargetsToSelfUpdateAccess":false,"onBehalfRequestors":[]},"specificAllowedTargets":[]}
'@ `
    -Captures @{ 'package.ap-team-access-cluster.directPolicy.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.ap-team-access-cluster.id}}/assignmentPolicies' -Match @{ 'displayName' = 'Direct assignment: AP team (access cluster)' } -LookupCaptures @{ 'package.ap-team-access-cluster.directPolicy.id' = 'id' } `
    -Update @{ Path = '/identityGovernance/entitlementManagement/assignmentPolicies/'; Compare = @('allowedTargetScope', 'specificAllowedTargets', 'automaticRequestSettings', 'expiration', 'requestApprovalSettings', 'reviewSettings', 'questions') }

# package:ar-team-access-cluster
Invoke-Step -Id 'package:ar-team-access-cluster' -Description 'Create the access package AR team (access cluster)' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages' `
    -Body @'
{"catalog":{"id":"{{catalog.id}}"},"description":"","displayName":"AR team (access cluster)","isHidden":false}
'@ `
    -Captures @{ 'package.ar-team-access-cluster.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages?$filter=displayName eq ''AR team (access cluster)''&$expand=catalog' -Match @{ 'catalog.id' = '{{catalog.id}}'; 'displayName' = 'AR team (access cluster)' } -LookupCaptures @{ 'package.ar-team-access-cluster.id' = 'id' }

# resourceRole:https://contoso.sharepoint.com/sites/Receivables:Full Control
Invoke-Step -Id 'resourceRole:https://contoso.sharepoint.com/sites/Receivables:Full Control' -Description 'Find the SharePoint group of "Receivables" that grants Full Control' -Method GET -Path '/identityGovernance/entitlementManagement/catalogs/{{catalog.id}}/resourceRoles?$filter=originSystem eq ''SharePointOnline'' and resource/id eq ''{{resource.https://contoso.sharepoint.com/sites/Receivables.id}}''' `
    -Choose @{ What = 'site "Receivables" (https://contoso.sharepoint.com/sites/Receivables) role "Full Control"'; Names = @('Full Control', 'Receivables Owners'); Suffixes = @('Owners'); List = 'value'; Field = 'displayName'; Captures = @{ 'role.https://contoso.sharepoint.com/sites/Receivables.Full Control.displayName' = 'displayName'; 'role.https://contoso.sharepoint.com/sites/Receivables.Full Control.originId' = 'originId' } }

# roleScope:ar-team-access-cluster:https://contoso.sharepoint.com/sites/Receivables:Full Control
Invoke-Step -Id 'roleScope:ar-team-access-cluster:https://contoso.sharepoint.com/sites/Receivables:Full Control' -Description 'Grant Full Control on "Receivables" through AR team (access cluster)' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.ar-team-access-cluster.id}}/resourceRoleScopes' `
    -Body @'
{"role":{"displayName":"{{role.https://contoso.sharepoint.com/sites/Receivables.Full Control.displayName}}","originId":"{{role.https://contoso.sharepoint.com/sites/Receivables.Full Control.originId}}","originSystem":"SharePointOnline","resource":{"id":"{{resource.https://contoso.sharepoint.com/sites/Receivables.id}}"}},"scope":{"isRootScope":true,"originId":"https://contoso.sharepoint.com/sites/Receivables","originSystem":"SharePointOnline"}}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.ar-team-access-cluster.id}}/resourceRoleScopes?$expand=role,scope' -Match @{ 'role.originId' = '{{role.https://contoso.sharepoint.com/sites/Receivables.Full Control.originId}}'; 'scope.originId' = 'https://contoso.sharepoint.com/sites/Receivables' }

# prune:ar-team-access-cluster
Invoke-Step -Id 'prune:ar-team-access-cluster' -Description 'Remove the role scopes of AR team (access cluster) that the plan no longer grants' -Method GET -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.ar-team-access-cluster.id}}/resourceRoleScopes?$expand=role,scope' `
    -PruneItems @{ What = 'role scopes of AR team (access cluster)'; Fields = @('role.originId', 'scope.originId'); Keep = @('{{role.https://contoso.sharepoint.com/sites/Receivables.Full Control.originId}}|https://contoso.sharepoint.com/sites/Receivables') }

# policy:ar-team-access-cluster
Invoke-Step -Id 'policy:ar-team-access-cluster' -Description 'Create the assignment policy "Direct assignment: AR team (access cluster)"' -Method POST -Path '/identityGovernance/entitlementManagement/assignmentPolicies' `
    -Body @'
{"accessPackage":{"id":"{{package.ar-team-access-cluster.id}}"},"allowedTargetScope":"notSpecified","description":"Administrators assign this package directly","displayName":"Direct assignment: AR team (access cluster)","expiration":{"type":"noExpiration"},"requestApprovalSettings":{"isApprovalRequiredForAdd":false,"isApprovalRequiredForUpdate":false,"stages":[]},"requestorSettings":{"allowCustomAssignmentSchedule":false,"enableOnBehalfRequestorsToAddAccess":false,"enableOnBehalfRequestorsToRemoveAccess":false,"enableOnBehalfRequestorsToUpdateAccess":false,"enableTargetsToSelfAddAccess":false,"enableTargetsToSelfRemoveAccess":false,"enableTargetsToSelfUpdateAccess":false,"onBehalfRequestors":[]},"reviewSettings":{"expirationBehavior":"keepAccess","isEnabled":true,"isRecommendationEnabled":true,"isReviewerJustificationRequired":true,"isSelfReview":false,"primaryReviewers":[{"@odata.type":"#microsoft.graph.requestorManager","managerLevel":1}],"schedule":{"expiration":{"duration":"P14D","type":"afterDuration"},"recurrence":{"pattern":{"interval":3,"type":"absoluteMonthly"},"range":{"type":"noEnd"}}}},"specificAllowedTargets":[]}
'@ `
    -Captures @{ 'package.ar-team-access-cluster.directPolicy.id' = 'id' } `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.ar-team-access-cluster.id}}/assignmentPolicies' -Match @{ 'displayName' = 'Direct assignment: AR team (access cluster)' } -LookupCaptures @{ 'package.ar-team-access-cluster.directPolicy.id' = 'id' } `
    -Update @{ Path = '/identityGovernance/entitlementManagement/assignmentPolicies/'; Compare = @('allowedTargetScope', 'specificAllowedTargets', 'automaticRequestSettings', 'expiration', 'requestApprovalSettings', 'reviewSettings', 'questions') }

# incompatible:payroll-clerk-finance:controller-finance
Invoke-Step -Id 'incompatible:payroll-clerk-finance:controller-finance' -Description 'Mark payroll-clerk-finance incompatible with controller-finance' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/incompatibleAccessPackages/$ref' `
    -Body @'
{"@odata.id":"https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/{{package.controller-finance.id}}"}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/incompatibleAccessPackages' -Match @{ 'id' = '{{package.controller-finance.id}}' }

# incompatibleGroup:payroll-clerk-finance:33333333-3333-4333-8333-333333333333
Invoke-Step -Id 'incompatibleGroup:payroll-clerk-finance:33333333-3333-4333-8333-333333333333' -Description 'Mark payroll-clerk-finance incompatible with the members of group 33333333-3333-4333-8333-333333333333' -Method POST -Path '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/incompatibleGroups/$ref' `
    -Body @'
{"@odata.id":"https://graph.microsoft.com/v1.0/groups/33333333-3333-4333-8333-333333333333"}
'@ `
    -Lookup '/identityGovernance/entitlementManagement/accessPackages/{{package.payroll-clerk-finance.id}}/incompatibleGroups' -Match @{ 'id' = '33333333-3333-4333-8333-333333333333' }

Write-Host "$($script:Created) created, $($script:Updated) updated, $($script:Removed) removed, $($script:Existing) existing, $($script:Absent) already gone."
