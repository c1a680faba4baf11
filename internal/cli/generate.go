package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/internal/matrixgen"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/tenantgen"
)

type generateOptions struct {
	users int
	seed  uint64
	out   string
	force bool
	cfg   tenantgen.Config
}

func newGenerateCmd(ios *IO) *cobra.Command {
	opts := &generateOptions{cfg: tenantgen.DefaultConfig(0, 0)}
	tenant := &cobra.Command{
		Use:   "tenant",
		Short: "Write a realistic synthetic tenant as CSV files, with its ground truth",
		Long: `Write users.csv, resources.csv and assignments.csv in the input format of
'rolemine ingest files', plus truth.json (the planted job functions, excess
grants and separation-of-duties violations) and sod-rules.yaml. The same seed
gives byte-identical files. A non-empty --out is refused unless --force.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			realisticDefaults(cmd, &opts.cfg)
			return runGenerate(ios, opts)
		},
	}
	f := tenant.Flags()
	f.IntVar(&opts.users, "users", 5000, "number of user objects")
	f.Uint64Var(&opts.seed, "seed", 1, "random seed")
	f.StringVar(&opts.out, "out", "tenant", "output `directory`")
	f.BoolVar(&opts.force, "force", false, "write into --out even if it holds files (they are replaced)")
	f.Float64Var(&opts.cfg.ExcessRate, "excess-rate", opts.cfg.ExcessRate, "share of users with random excess grants")
	f.Float64Var(&opts.cfg.MoverRate, "mover-rate", opts.cfg.MoverRate, "share of users who kept access from an earlier job")
	f.Float64Var(&opts.cfg.EmptyTitleRate, "empty-title-rate", opts.cfg.EmptyTitleRate, "share of users without a job title")
	f.Float64Var(&opts.cfg.WrongTitleRate, "wrong-title-rate", opts.cfg.WrongTitleRate, "share of users whose title is another title of their department (stale or wrong)")
	f.IntVar(&opts.cfg.BundleScale, "bundle-scale", opts.cfg.BundleScale, "multiply the bundles' group memberships (1: about 13 grants per user)")
	f.IntVar(&opts.cfg.UsersPerRegion, "users-per-region", opts.cfg.UsersPerRegion, "users per regional copy of the departments")
	orgFlags(tenant, &opts.cfg)
	withRanges(tenant, atLeast("users", 1), share("excess-rate"), share("mover-rate"), share("empty-title-rate"), share("wrong-title-rate"),
		flagRange{name: "bundle-scale", lo: 1, hi: 100}, atLeast("users-per-region", 1))
	return groupCmd("generate", "Generate synthetic data", tenant, newGenerateMatrixCmd(ios))
}

func runGenerate(ios *IO, opts *generateOptions) error {
	if err := checkOutDir(opts.out, opts.force); err != nil {
		return err
	}
	cfg := opts.cfg
	cfg.Users, cfg.Seed = opts.users, opts.seed
	truth, err := tenantgen.Generate(cfg, opts.out)
	if err != nil {
		return err
	}
	fmt.Fprintf(ios.Out, "Wrote a tenant of %s with %s, %s and %s to %s\n",
		render.Count(truth.Users, "user"), render.Count(len(truth.JobFunctions), "planted job function"), render.Count(len(truth.ExcessGrants), "excess grant"),
		render.Count(len(truth.SoDViolations), "SoD violation"), opts.out)
	return nil
}

// orgFlags adds the flags of the legitimate access beyond job functions
// (teams, projects, offices, nested groups, one-off grants) to c.
func orgFlags(c *cobra.Command, cfg *tenantgen.Config) {
	f := c.Flags()
	f.Bool("realistic", false, "add what real tenants have beyond job functions: teams under managers with team groups, cross-department projects, office access, nested groups, one-off grants (the flags below set each)")
	f.IntVar(&cfg.TeamSize, "team-size", cfg.TeamSize, "organise departments into teams of about this many under a manager (0: all report to the department's head)")
	f.Float64Var(&cfg.TeamGroupRate, "team-group-rate", cfg.TeamGroupRate, "share of team managers who run a group for their team")
	f.Float64Var(&cfg.ProjectRate, "project-rate", cfg.ProjectRate, "share of employees in project groups across titles and departments")
	f.Float64Var(&cfg.LocationRate, "location-rate", cfg.LocationRate, "share of offices with access every employee there holds")
	f.Float64Var(&cfg.NestedRate, "nested-rate", cfg.NestedRate, "share of job functions whose group is nested with another function's")
	f.Float64Var(&cfg.LongTailRate, "long-tail-rate", cfg.LongTailRate, "share of employees with a one-off grant nobody else holds (planted as excess)")
	f.Float64Var(&cfg.OptionalRate, "optional-rate", cfg.OptionalRate, "share of a title holding each of its optional grants")
	withRanges(c, atLeast("team-size", 0), share("team-group-rate"), share("project-rate"), share("location-rate"), share("nested-rate"),
		share("long-tail-rate"), share("optional-rate"))
}

// realisticDefaults applies --realistic: tenantgen's realistic values for
// the organisation flags not given.
func realisticDefaults(c *cobra.Command, cfg *tenantgen.Config) {
	if on, _ := c.Flags().GetBool("realistic"); !on {
		return
	}
	r := cfg.Realistic()
	set := func(name string, dst *float64, v float64) {
		if !c.Flags().Changed(name) {
			*dst = v
		}
	}
	if !c.Flags().Changed("team-size") {
		cfg.TeamSize = r.TeamSize
	}
	set("team-group-rate", &cfg.TeamGroupRate, r.TeamGroupRate)
	set("project-rate", &cfg.ProjectRate, r.ProjectRate)
	set("location-rate", &cfg.LocationRate, r.LocationRate)
	set("nested-rate", &cfg.NestedRate, r.NestedRate)
	set("long-tail-rate", &cfg.LongTailRate, r.LongTailRate)
}

type generateMatrixOptions struct {
	cfg     matrixgen.Config
	perUser string
	out     string
	force   bool
}

func newGenerateMatrixCmd(ios *IO) *cobra.Command {
	opts := &generateMatrixOptions{}
	c := &cobra.Command{
		Use:   "matrix",
		Short: "Write a planted role-mining instance: a matrix made of k roles, with the roles",
		Long: `Write matrix.txt (the hp format 'rolemine cover' reads: "user permission" per
line) and roles.json (the planted roles, their permissions and users): --roles
random roles over --perms permissions, each user holding a random --roles-per-user
of them, their permissions OR-ed, about --density of the cells set, and
--noise of the cells flipped. An exact cover with at most --roles roles exists;
dense instances are where the structural miner is tested. The same seed gives
the same files.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lo, hi, ok := parseRange(opts.perUser)
			if !ok {
				return usagef("--roles-per-user wants MIN-MAX, e.g. 3-10, got %q", opts.perUser)
			}
			opts.cfg.MinRolesPerUser, opts.cfg.MaxRolesPerUser = lo, hi
			if err := checkOutDir(opts.out, opts.force); err != nil {
				return err
			}
			pl, err := matrixgen.Generate(opts.cfg)
			if err != nil {
				return usageError{err}
			}
			if err := pl.Write(opts.out); err != nil {
				return err
			}
			fmt.Fprintf(ios.Out, "Wrote a %d×%d matrix of %s (%s) made of %s to %s\n", opts.cfg.Users, opts.cfg.Perms,
				render.Count(int(pl.Data.NumAssignments()), "assignment"), fmt.Sprintf("%.0f%% of the cells", 100*float64(pl.Data.NumAssignments())/float64(opts.cfg.Users*opts.cfg.Perms)),
				render.Count(len(pl.Roles), "planted role"), opts.out)
			return nil
		},
	}
	f := c.Flags()
	f.IntVar(&opts.cfg.Users, "users", 100, "users (rows)")
	f.IntVar(&opts.cfg.Perms, "perms", 200, "permissions (columns)")
	f.IntVar(&opts.cfg.Roles, "roles", 25, "planted roles")
	f.StringVar(&opts.perUser, "roles-per-user", "3-10", "how many roles each user holds, `MIN-MAX`")
	f.Float64Var(&opts.cfg.Density, "density", 0.5, "share of the cells the roles set")
	f.Float64Var(&opts.cfg.Noise, "noise", 0, "share of the cells flipped after the roles are OR-ed")
	f.Uint64Var(&opts.cfg.Seed, "seed", 1, "random seed")
	f.StringVar(&opts.out, "out", "matrix", "output `directory`")
	f.BoolVar(&opts.force, "force", false, "write into --out even if it holds files")
	return withRanges(c, atLeast("users", 1), atLeast("perms", 1), atLeast("roles", 1), fraction("density"), fraction("noise"))
}

// parseRange parses "MIN-MAX" (or a single number) into two positive
// integers, MIN at most MAX.
func parseRange(s string) (lo, hi int, ok bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		b = a
	}
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	return lo, hi, err1 == nil && err2 == nil && lo >= 1 && lo <= hi
}
