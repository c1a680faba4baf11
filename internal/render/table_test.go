package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func table() *TextTable {
	return &TextTable{
		Columns: []Column{{Name: "SCORE"}, {Name: "USER"}, {Name: "DEPARTMENT", Drop: 1}, {Name: "REASON", Wrap: true}},
		Rows: [][]string{
			{"0.91", "ann@contoso.com", "Finance", "held by 1 of 40 Payroll Clerks (2%); privileged access"},
			{"0.5", "bo@contoso.com", "Procurement", "short"},
		},
	}
}

func write(t *testing.T, tb *TextTable, width int) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, tb.Write(&b, width))
	return b.String()
}

func TestTableNaturalWidth(t *testing.T) {
	want := "" +
		"SCORE  USER             DEPARTMENT   REASON\n" +
		"0.91   ann@contoso.com  Finance      held by 1 of 40 Payroll Clerks (2%); privileged access\n" +
		"0.5    bo@contoso.com   Procurement  short\n"
	require.Equal(t, want, write(t, table(), 0))
	require.Equal(t, want, write(t, table(), 200), "a wide terminal changes nothing")
}

func TestTableWrapsAtSpaces(t *testing.T) {
	got := write(t, table(), 80)
	want := "" +
		"SCORE  USER             DEPARTMENT   REASON\n" +
		"0.91   ann@contoso.com  Finance      held by 1 of 40 Payroll Clerks (2%);\n" +
		"                                     privileged access\n" +
		"0.5    bo@contoso.com   Procurement  short\n"
	require.Equal(t, want, got)
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		require.LessOrEqual(t, utf8.RuneCountInString(l), 80)
	}
}

func TestTableDropsColumnsBeforeWrappingTooNarrow(t *testing.T) {
	got := write(t, table(), 50)
	require.NotContains(t, got, "DEPARTMENT")
	require.NotContains(t, got, "Procurement")
	for _, l := range strings.Split(strings.TrimSpace(got), "\n") {
		require.LessOrEqual(t, utf8.RuneCountInString(l), 50, "%q", l)
	}
	// Every word of the reason is there, whole.
	for _, w := range strings.Fields("held by 1 of 40 Payroll Clerks (2%); privileged access") {
		require.Contains(t, got, w)
	}
}

func TestTableTooNarrowKeepsEveryWord(t *testing.T) {
	// Nothing left to drop: the table is wider than asked, nothing is cut.
	got := write(t, table(), 10)
	require.Contains(t, got, "ann@contoso.com")
	require.Contains(t, got, "privileged access")
}

func TestWrap(t *testing.T) {
	require.Equal(t, []string{"a bb", "ccc"}, wrap("a bb ccc", 4))
	require.Equal(t, []string{"abcd", "ef g"}, wrap("abcdef g", 4), "a word longer than the line is broken")
	require.Equal(t, []string{"account-", "executive-", "sales"}, wrap("account-executive-sales", 10), "after hyphens where it can")
	require.Equal(t, []string{""}, wrap("", 4))
	require.Equal(t, []string{"é é", "é"}, wrap("é é é", 3), "runes, not bytes")
}

func TestCount(t *testing.T) {
	require.Equal(t, "1 package", Count(1, "package"))
	require.Equal(t, "0 packages", Count(0, "package"))
	require.Equal(t, "2 title mismatches", Count(2, "title mismatch"))
	require.Equal(t, "3 policies", Count(3, "policy"))
	require.Equal(t, "2 days", Count(2, "day"))
	require.Equal(t, "5 users violate a rule", Count(5, "user violates a rule", "users violate a rule"))
	require.Equal(t, "1 user violates a rule", Count(1, "user violates a rule", "users violate a rule"))
}
