package export

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/rolemine/rolemine/tenant"
)

// psSingle reads a PowerShell single-quoted string at the start of s, as
// PowerShell does: any of ' ‘ ’ ‚ ‛ ends it unless doubled. It returns the
// value and the rest of s.
func psSingle(t *testing.T, s string) (string, string) {
	t.Helper()
	isQuote := func(r rune) bool {
		return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
	}
	r, n := utf8.DecodeRuneInString(s)
	require.True(t, isQuote(r), "a single-quoted string starts at %.20q", s)
	s = s[n:]
	var b strings.Builder
	for {
		require.NotEmpty(t, s, "unterminated string")
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if isQuote(r) {
			r2, n2 := utf8.DecodeRuneInString(s)
			if isQuote(r2) {
				b.WriteRune(r2)
				s = s[n2:]
				continue
			}
			return b.String(), s
		}
		b.WriteRune(r)
	}
}

func TestPSQuoteRoundTrips(t *testing.T) {
	for _, v := range []string{"", "plain", "it's", "''", "‘smart’ ‚low‛", "$(Remove-Item -Recurse C:\\)", "'; Remove-Item C:\\ ; '", "a\nb", "`n$env:PATH"} {
		got, rest := psSingle(t, psQuote(v)+" tail")
		require.Equal(t, v, got)
		require.Equal(t, " tail", rest)
	}
}

// TestPowerShellCarriesThePlan reads every Invoke-Step of the script back
// (ids, paths, JSON bodies) and compares it with the plan, for names that
// try to break out of PowerShell strings and comments.
func TestPowerShellCarriesThePlan(t *testing.T) {
	pkgs := packages()
	pkgs[1].Name = "Controller ’s'; Remove-Item C:\\ -Recurse; '$(whoami) #> done\nnext"
	pkgs[1].Entitlements = append(pkgs[1].Entitlements, tenant.PackageEntitlement{ResourceID: "g-x", Role: "Member", ResourceType: "group", ResourceName: "'@\nInjected"})
	p := BuildPlan(pkgs, PlanOptions{CatalogName: "Cat ‘quoted’ 'x'", Incompatible: []Incompatibility{{PackageID: "payroll-clerk-finance", OtherID: "controller-finance"}}})
	var buf bytes.Buffer
	require.NoError(t, WritePowerShell(&buf, p))
	script := strings.TrimPrefix(buf.String(), "\uFEFF")

	// Everything outside the header comes as Invoke-Step calls.
	body := script[strings.Index(script, "\n# catalog\n"):]
	steps := 0
	for _, chunk := range strings.Split(body, "\nInvoke-Step ")[1:] {
		st := p.Steps[steps]
		steps++
		rest := strings.TrimPrefix(chunk, "-Id ")
		id, rest := psSingle(t, rest)
		require.Equal(t, st.ID, id)
		rest = strings.TrimPrefix(rest, " -Description ")
		desc, rest := psSingle(t, rest)
		require.Equal(t, st.Description, desc)
		rest = strings.TrimPrefix(rest, " -Method "+st.Method+" -Path ")
		path, rest := psSingle(t, rest)
		require.Equal(t, st.Path, path)
		if st.Body != nil {
			start := strings.Index(rest, "-Body @'\n")
			require.GreaterOrEqual(t, start, 0)
			here := rest[start+len("-Body @'\n"):]
			end := strings.Index(here, "\n'@")
			require.GreaterOrEqual(t, end, 0)
			require.NotContains(t, here[:end], "\n", "the body is one line")
			var got, want any
			require.NoError(t, json.Unmarshal([]byte(here[:end]), &got))
			raw, _ := json.Marshal(st.Body)
			require.NoError(t, json.Unmarshal(raw, &want))
			require.Equal(t, want, got, "step %s", st.ID)
		}
		if st.Choose != nil {
			i := strings.Index(rest, "-Choose @{ What = ")
			require.GreaterOrEqual(t, i, 0, "step %s chooses", st.ID)
			what, more := psSingle(t, rest[i+len("-Choose @{ What = "):])
			require.Equal(t, st.Choose.What, what)
			more = strings.TrimPrefix(more, "; Names = @(")
			for k, name := range st.Choose.Names {
				if k > 0 {
					more = strings.TrimPrefix(more, ", ")
				}
				var got string
				got, more = psSingle(t, more)
				require.Equal(t, name, got)
			}
		}
		if st.Lookup != nil {
			i := strings.Index(rest, "-Lookup ")
			require.GreaterOrEqual(t, i, 0)
			lookup, _ := psSingle(t, rest[i+len("-Lookup "):])
			require.Equal(t, st.Lookup.Path, lookup)
		}
	}
	require.Equal(t, len(p.Steps), steps)
	// Comments stay comments.
	for _, line := range strings.Split(script[:strings.Index(script, "<#")], "\n") {
		require.True(t, line == "" || strings.HasPrefix(line, "#"), "line %q", line)
		require.NotContains(t, line, "#>")
	}
}

// cp1252 decodes bytes as Windows PowerShell 5.1 reads a script without a
// byte-order mark on a western-European Windows: in code page 1252, where
// 0x80-0x9F are typographic characters and the rest is Latin-1.
func cp1252(b []byte) string {
	high := []rune("€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ")
	var s strings.Builder
	for _, c := range b {
		if c >= 0x80 && c < 0xa0 {
			s.WriteRune(high[c-0x80])
		} else {
			s.WriteRune(rune(c))
		}
	}
	return s.String()
}

// readAsWindowsPowerShell decodes a script file as Windows PowerShell 5.1
// does: UTF-8 when it starts with a byte-order mark, the ANSI code page
// otherwise.
func readAsWindowsPowerShell(b []byte) string {
	if bom := []byte{0xef, 0xbb, 0xbf}; bytes.HasPrefix(b, bom) {
		return string(b[len(bom):])
	}
	return cp1252(b)
}

// TestPowerShellReadsAsWrittenOnWindowsPowerShell: the script starts with a
// UTF-8 byte-order mark and names its requirements, so Windows PowerShell
// 5.1 reads a name like "Kővári" as written; without the mark its bytes
// C5 91 would decode to "Å‘", whose ‘ ends a single-quoted string.
func TestPowerShellReadsAsWrittenOnWindowsPowerShell(t *testing.T) {
	name := "Kővári’s team – Zürich"
	pkgs := packages()
	pkgs[0].Name = name
	var buf bytes.Buffer
	require.NoError(t, WritePowerShell(&buf, BuildPlan(pkgs, PlanOptions{CatalogName: "Ügyfél ő"})))
	raw := buf.Bytes()
	require.True(t, bytes.HasPrefix(raw, []byte{0xef, 0xbb, 0xbf}), "UTF-8 byte-order mark")
	require.True(t, utf8.Valid(raw))
	script := readAsWindowsPowerShell(raw)
	require.Contains(t, script, "#Requires -Version 5.1\n")
	require.Contains(t, script, "#Requires -Modules @{ ModuleName = 'Microsoft.Graph.Authentication'; ModuleVersion = '2.0.0' }\n")
	i := strings.Index(script, "-Description 'Create the access package ")
	require.GreaterOrEqual(t, i, 0)
	desc, _ := psSingle(t, script[i+len("-Description "):])
	require.Equal(t, "Create the access package "+name, desc)

	// The same bytes without the mark break the string where ő was.
	broken := cp1252(raw[3:])
	i = strings.Index(broken, "-Description 'Create the access package ")
	desc, _ = psSingle(t, broken[i+len("-Description "):])
	require.NotEqual(t, "Create the access package "+name, desc)
	require.Equal(t, "Create the access package KÅ", desc, "‘ ends the string early")
}

// TestPowerShellCarriesUpdatesAndRemovals: the script replaces changed
// policies (Update), removes stale role scopes only with -Prune (Prune),
// removes only what is still there (Find, a rollback's and a retire
// plan's), waits until removals are gone (Await Absent) and sends DELETE;
// every parameter a step passes is one Invoke-Step declares.
func TestPowerShellCarriesUpdatesAndRemovals(t *testing.T) {
	pkgs := packages()
	opt := PlanOptions{CatalogName: "Finance", Backfill: map[string][]string{"payroll-clerk-finance": {"u0"}},
		Pilot: &Pilot{GroupID: "g", Users: map[string][]string{"payroll-clerk-finance": {"u5"}}}}
	retire := BuildRetire(RetireState{Entitlements: []GrantPaths{{ResourceID: "g1", ResourceName: "SG-Payroll", Role: "Member",
		Direct: []string{"u1"}, Delivered: []string{"u1"}, Paths: []GrantPath{{Kind: PathNestedGroup, GroupID: "c1", GroupName: "Old 'x'", Users: []string{"u1"}}}}}})
	var script string
	for _, p := range []*Plan{BuildPlan(pkgs, opt), BuildRollback(pkgs, opt), retire} {
		var buf bytes.Buffer
		require.NoError(t, WritePowerShell(&buf, p))
		script += buf.String()
	}
	require.Contains(t, script, " `\n    -Update @{ Path = '/identityGovernance/entitlementManagement/assignmentPolicies/'; Compare = @('allowedTargetScope', ")
	require.Contains(t, script, " `\n    -PruneItems @{ What = 'role scopes of ")
	require.Contains(t, script, "    -Find '/identityGovernance/entitlementManagement/assignments?$filter=accessPackage/id eq ''{{package.payroll-clerk-finance.id}}''&$expand=target' -FindMatch @{ 'target.objectId' = 'u5' } -FindCaptures @{ 'assignment.payroll-clerk-finance.u5.id' = 'id' } -FindShared\n")
	require.Contains(t, script, "; Want = @('u5'); Absent = $true }\n")
	require.Contains(t, script, "-Method DELETE -Path '/groups/g1/members/c1/$ref' `\n    -Find '/groups/g1/members?$select=id,displayName' -FindMatch @{ 'id' = 'c1' } -FindShared\n")
	require.Contains(t, script, "[switch] $Prune\n")

	// Every -Name an Invoke-Step call passes is a parameter of Invoke-Step.
	i := strings.Index(script, "function Invoke-Step {")
	require.GreaterOrEqual(t, i, 0)
	decl := script[i : i+strings.Index(script[i:], ")\n")]
	declared := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$(\w+)`).FindAllStringSubmatch(decl, -1) {
		declared[m[1]] = true
	}
	used := map[string]bool{}
	for _, call := range strings.Split(script, "\nInvoke-Step ")[1:] {
		call, _, _ = strings.Cut(call, "\n\n")                                   // the call ends at a blank line
		call = regexp.MustCompile(`(?s)@'\n.*?\n'@`).ReplaceAllString(call, "")  // bodies
		call = regexp.MustCompile(`'(?:[^']|'')*'`).ReplaceAllString(call, "''") // strings
		for _, m := range regexp.MustCompile(`(?:^|\s)-(\w+)`).FindAllStringSubmatch(call, -1) {
			used[m[1]] = true
		}
	}
	for _, name := range []string{"Update", "PruneItems", "Find", "FindMatch", "FindCaptures", "FindShared", "Await", "Lookup", "Shared"} {
		require.True(t, used[name], "the scripts pass -%s", name)
	}
	for name := range used {
		require.True(t, declared[name], "Invoke-Step declares -%s", name)
	}
	// Every command the script calls is a function it defines or a
	// cmdlet of PowerShell or the Graph SDK.
	known := map[string]bool{"Invoke-MgGraphRequest": true, "Connect-MgGraph": true, "Get-Date": true, "Start-Sleep": true,
		"Write-Host": true, "ForEach-Object": true, "Where-Object": true, "ConvertFrom-Json": true, "Out-Null": true}
	for _, m := range regexp.MustCompile(`(?m)^function ([\w-]+)`).FindAllStringSubmatch(script, -1) {
		known[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b`).FindAllString(script[:strings.Index(script, "\n# catalog\n")], -1) {
		require.True(t, known[m], "the script defines or imports %s", m)
	}
}
