package tenantgen

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRealisticOrganisation: with Realistic, departments are split into
// teams whose members report to a manager who reports to the head; 40% of
// the teams have a group held by the manager and the reports; every kind
// of legitimate access is planted, held as the truth says, and none of it
// counts as excess; nested groups belong to both functions' access.
func TestRealisticOrganisation(t *testing.T) {
	dir := t.TempDir()
	truth, err := Generate(DefaultConfig(3000, 7).Realistic(), dir)
	require.NoError(t, err)
	users := readCSV(t, filepath.Join(dir, UsersFile))
	col := map[string]int{}
	for i, h := range users[0] {
		col[h] = i
	}
	managerOf := map[string]string{}
	dept := map[string]string{}
	for _, r := range users[1:] {
		managerOf[r[col["id"]]] = r[col["managerId"]]
		dept[r[col["id"]]] = r[col["department"]]
	}
	reports := map[string]int{}
	for u, m := range managerOf {
		if m != "" {
			require.Contains(t, managerOf, m, "user %s reports to a user", u)
			require.Equal(t, dept[u], dept[m], "user %s reports within their department", u)
			reports[m]++
		}
	}
	leads := 0
	for m, n := range reports {
		if managerOf[m] != "" { // a team manager, not a department's head
			leads++
			require.LessOrEqual(t, n, 7, "a team of 8 has at most 7 reports")
		}
	}
	require.Greater(t, leads, 100, "3000 employees in teams of 8")

	held := map[[3]string]bool{}
	for _, r := range readCSV(t, filepath.Join(dir, AssignmentsFile))[1:] {
		held[[3]string{r[0], r[1], r[2]}] = true
	}
	excess := map[[3]string]bool{}
	for _, x := range truth.ExcessGrants {
		excess[[3]string{x.UserID, x.ResourceID, x.Role}] = true
	}
	kinds := map[string]int{}
	teams, withManager := 0, 0
	for _, a := range truth.Legitimate {
		kinds[a.Kind]++
		require.NotEmpty(t, a.Users, a.Name)
		for _, u := range a.Users {
			k := [3]string{u, a.Entitlement.ResourceID, a.Entitlement.Role}
			require.True(t, held[k], "%s holds %s", u, a.Name)
			require.False(t, excess[k], "legitimate access is not excess: %s, %s", u, a.Name)
		}
		switch a.Kind {
		case LegitTeam:
			teams++
			if slices.Contains(a.Users, a.Manager) {
				withManager++
			}
			for _, u := range a.Users {
				require.True(t, u == a.Manager || managerOf[u] == a.Manager, "%s reports to the team's manager", u)
			}
		case LegitNested:
			n := 0
			for _, f := range truth.JobFunctions {
				if slices.Contains(f.Entitlements, a.Entitlement) {
					n++
				}
			}
			require.GreaterOrEqual(t, n, 2, "a nested group belongs to both functions' access")
		}
	}
	for _, k := range []string{LegitTeam, LegitProject, LegitLocation, LegitNested} {
		require.Positive(t, kinds[k], "some %s access is planted", k)
	}
	longTail := 0
	for _, x := range truth.ExcessGrants {
		if x.Kind == ExcessLongTail {
			longTail++
			require.True(t, held[[3]string{x.UserID, x.ResourceID, x.Role}])
		}
	}
	require.InDelta(t, 0.02*2900, longTail, 30, "2%% of the employees have a one-off grant")
	require.InDelta(t, 0.4, float64(teams)/float64(leads), 0.1, "40%% of the teams have a group")
	require.GreaterOrEqual(t, float64(withManager), 0.95*float64(teams), "the manager is in their team's group, unless the dropout took it")
}

func TestRealisticConfigErrors(t *testing.T) {
	cfg := DefaultConfig(100, 1)
	cfg.TeamGroupRate = 0.5
	_, err := Build(cfg)
	require.ErrorContains(t, err, "team groups need teams")
	cfg.TeamSize = 1
	_, err = Build(cfg)
	require.ErrorContains(t, err, "team size 1")
}
