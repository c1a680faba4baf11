package export

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// psQuote returns s as a PowerShell single-quoted string. PowerShell ends
// such a string at any of the single quotation marks ' ‘ ’ ‚ ‛ and reads a
// doubled one as the character itself, so every one of them is doubled.
func psQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// psHashtable returns m as a PowerShell hashtable literal with sorted keys.
func psHashtable(m map[string]string) string {
	if len(m) == 0 {
		return "@{}"
	}
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, psQuote(k)+" = "+psQuote(m[k]))
	}
	return "@{ " + strings.Join(parts, "; ") + " }"
}

// psHeader is the script's preamble: parameters, and the functions every
// step calls.
const psHeader = `<#
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
`

// psArray returns a PowerShell array literal of quoted strings.
func psArray(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = psQuote(s)
	}
	return "@(" + strings.Join(q, ", ") + ")"
}

// utf8BOM starts the script: without it Windows PowerShell 5.1 reads a
// script in the system's ANSI code page, where the UTF-8 bytes of a name
// such as "Kővári" (C5 91) decode to "Å‘", and ‘ ends a single-quoted
// string.
const utf8BOM = "\uFEFF"

// WritePowerShell writes the plan as a PowerShell script that sends the
// same requests with Invoke-MgGraphRequest, looks every object up before
// creating it, and supports -WhatIf. The script is UTF-8 with a byte-order
// mark.
func WritePowerShell(w io.Writer, p *Plan) error {
	var b strings.Builder
	b.WriteString(utf8BOM)
	fmt.Fprintf(&b, "# rolemine access packages for catalog %s: %d requests.\n", psComment(p.Catalog), len(p.Steps))
	for _, warn := range p.Warnings {
		fmt.Fprintf(&b, "# Warning: %s\n", psComment(warn))
	}
	for _, s := range p.Skipped {
		fmt.Fprintf(&b, "# Left out: package %s, %s on %s: %s\n", psComment(s.PackageID), psComment(s.Role), psComment(s.ResourceID), psComment(s.Reason))
	}
	b.WriteString(psHeader)
	for _, st := range p.Steps {
		fmt.Fprintf(&b, "\n# %s\n", psComment(st.ID))
		fmt.Fprintf(&b, "Invoke-Step -Id %s -Description %s -Method %s -Path %s", psQuote(st.ID), psQuote(st.Description), st.Method, psQuote(st.Path))
		if st.Body != nil {
			raw, err := json.Marshal(st.Body)
			if err != nil {
				return err
			}
			// One line of JSON in a single-quoted here-string: taken
			// literally, and no line of it can start with the terminator.
			fmt.Fprintf(&b, " `\n    -Body @'\n%s\n'@", raw)
		}
		if len(st.Captures) > 0 {
			fmt.Fprintf(&b, " `\n    -Captures %s", psHashtable(st.Captures))
		}
		if c := st.Choose; c != nil {
			fmt.Fprintf(&b, " `\n    -Choose @{ What = %s; Names = %s; Suffixes = %s; List = %s; Field = %s; Captures = %s }",
				psQuote(c.What), psArray(c.Names), psArray(c.Suffixes), psQuote(c.ListName()), psQuote(c.FieldName()), psHashtable(c.Captures))
		}
		if st.Lookup != nil {
			fmt.Fprintf(&b, " `\n    -Lookup %s -Match %s", psQuote(st.Lookup.Path), psHashtable(st.Lookup.Match))
			if len(st.Lookup.Captures) > 0 {
				fmt.Fprintf(&b, " -LookupCaptures %s", psHashtable(st.Lookup.Captures))
			}
			if st.Lookup.Shared {
				b.WriteString(" -Shared")
			}
		}
		if a := st.Await; a != nil {
			absent := ""
			if a.Absent {
				absent = "; Absent = $true"
			}
			fmt.Fprintf(&b, " `\n    -Await @{ What = %s; Field = %s; Want = %s%s }", psQuote(a.What), psQuote(a.Field), psArray(a.Want), absent)
		}
		if u := st.Update; u != nil {
			fmt.Fprintf(&b, " `\n    -Update @{ Path = %s; Compare = %s }", psQuote(u.Path), psArray(u.Compare))
		}
		if pr := st.Prune; pr != nil {
			fmt.Fprintf(&b, " `\n    -PruneItems @{ What = %s; Fields = %s; Keep = %s }", psQuote(pr.What), psArray(pr.Fields), psArray(pr.Keep))
		}
		if f := st.Find; f != nil {
			fmt.Fprintf(&b, " `\n    -Find %s -FindMatch %s", psQuote(f.Path), psHashtable(f.Match))
			if len(f.Captures) > 0 {
				fmt.Fprintf(&b, " -FindCaptures %s", psHashtable(f.Captures))
			}
			if f.Shared {
				b.WriteString(" -FindShared")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\nWrite-Host \"$($script:Created) created, $($script:Updated) updated, $($script:Removed) removed, $($script:Existing) existing, $($script:Absent) already gone.\"\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// psComment makes s safe on a comment line: no line breaks, and no "#>"
// that would end a block comment.
func psComment(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ", "\u2028", " ", "\u2029", " ").Replace(s)
	return strings.ReplaceAll(s, "#>", "# >")
}
