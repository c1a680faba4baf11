package cli

import (
	"fmt"

	"github.com/spf13/cobra"

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
	withRanges(tenant, atLeast("users", 1), share("excess-rate"), share("mover-rate"), share("empty-title-rate"), share("wrong-title-rate"),
		flagRange{name: "bundle-scale", lo: 1, hi: 100}, atLeast("users-per-region", 1))
	return groupCmd("generate", "Generate synthetic data", tenant)
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
