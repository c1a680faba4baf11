package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rolemine/rolemine/ingest/matrix"
	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/mining"
)

type coverOptions struct {
	inputFormat string
	objective   string
	format      string
	opt         mining.CoverOptions
}

func newCoverCmd(ios *IO) *cobra.Command {
	opts := &coverOptions{opt: mining.DefaultCoverOptions()}
	c := &cobra.Command{
		Use:   "cover FILE",
		Short: "Structural role mining on a bare user×permission matrix",
		Long: `Find roles whose union reproduces a user×permission matrix exactly: with
--objective roles (default) the fewest roles, with a proof of optimality when
the search completes; with --objective wsc a low |R|+|UA|+|PA|. --max-noise F
lets at most a share F of the assignments stay outside every role; they are
listed as exceptions. Input formats: hp ("user permission" per line) and rbac
("user perm perm ..." per line), detected from the extension (.rbac, .rmp).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("cover takes one matrix file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := render.CheckFormat(opts.format, render.Table, render.JSON); err != nil {
				return usageError{err}
			}
			switch opts.objective {
			case "roles":
				opts.opt.Objective = mining.MinRoles
			case "wsc":
				opts.opt.Objective = mining.MinWSC
			default:
				return usagef("unknown objective %q (use roles or wsc)", opts.objective)
			}
			if opts.opt.MaxNoise < 0 || opts.opt.MaxNoise >= 1 {
				return usagef("--max-noise must be in [0, 1)")
			}
			if opts.inputFormat != "" && opts.inputFormat != matrix.HP && opts.inputFormat != matrix.RBAC {
				return usagef("unknown input format %q (use hp or rbac)", opts.inputFormat)
			}
			m, err := matrix.ReadFile(args[0], opts.inputFormat)
			if err != nil {
				return err
			}
			opts.opt.Progress = progress(ios)
			start := time.Now()
			res, err := mining.Cover(cmd.Context(), m.Data, opts.opt)
			if err != nil {
				return err
			}
			secs := time.Since(start).Seconds()
			if err := mining.VerifyCover(m.Data, res.Roles, res.Exceptions); err != nil {
				return fmt.Errorf("internal error, the cover does not reproduce the matrix: %w", err)
			}
			return writeCover(ios, m, res, opts.objective, secs, opts.format)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.inputFormat, "input-format", "", "matrix format: hp or rbac (default: from the file name)")
	f.StringVar(&opts.objective, "objective", "roles", "what to minimise: roles or wsc")
	f.Float64Var(&opts.opt.MaxNoise, "max-noise", 0, "share of assignments that may stay outside every role")
	f.StringVar(&opts.format, "format", render.Table, "output format: table or json")
	return withRanges(c, fraction("max-noise"))
}

// coverJSON is the documented output of `cover --format json`.
type coverJSON struct {
	Users       int     `json:"users"`
	Permissions int     `json:"permissions"`
	Edges       int64   `json:"edges"`
	Seconds     float64 `json:"seconds"`
	Objective   string  `json:"objective"`
	RoleCount   int     `json:"roleCount"`
	LowerBound  int     `json:"lowerBound"`
	// Gap is how many roles the cover has above the lower bound (0 when
	// proved).
	Gap        int               `json:"gap"`
	Proved     bool              `json:"proved"`
	UA         int               `json:"ua"`
	PA         int               `json:"pa"`
	WSC        int               `json:"wsc"`
	Roles      []roleJSON        `json:"roles"`
	Exceptions [][2]string       `json:"exceptions"`
	Stats      mining.CoverStats `json:"stats"`
}

type roleJSON struct {
	Users       []string `json:"users"`
	Permissions []string `json:"permissions"`
}

func writeCover(ios *IO, m *matrix.Matrix, res *mining.CoverResult, objective string, secs float64, format string) error {
	out := coverJSON{
		Users: len(m.Users), Permissions: len(m.Permissions), Edges: m.Data.NumAssignments(), Seconds: secs,
		Objective: objective, RoleCount: len(res.Roles), LowerBound: res.LowerBound, Gap: max(0, len(res.Roles)-res.LowerBound), Proved: res.Proved,
		UA: res.UA(), PA: res.PA(), WSC: res.WSC(), Roles: make([]roleJSON, len(res.Roles)), Exceptions: [][2]string{}, Stats: res.Stats,
	}
	for i, r := range res.Roles {
		rj := roleJSON{Users: make([]string, len(r.Users)), Permissions: make([]string, len(r.Perms))}
		for k, u := range r.Users {
			rj.Users[k] = m.Users[u]
		}
		for k, p := range r.Perms {
			rj.Permissions[k] = m.Permissions[p]
		}
		out.Roles[i] = rj
	}
	for _, x := range res.Exceptions {
		out.Exceptions = append(out.Exceptions, [2]string{m.Users[x[0]], m.Permissions[x[1]]})
	}
	if format == render.JSON {
		return render.WriteJSON(ios.Out, out)
	}
	var proof string
	switch {
	case len(res.Exceptions) > 0:
		proof = fmt.Sprintf("%d assignments left as exceptions; an exact cover needs at least %d roles", len(res.Exceptions), res.LowerBound)
	case res.Proved:
		proof = "proved optimal"
	default:
		proof = fmt.Sprintf("at least %d needed, %d above that bound, not proved optimal", res.LowerBound, out.Gap)
	}
	fmt.Fprintf(ios.Out, "%d users, %d permissions, %d assignments: %d roles (%s), UA %d, PA %d, WSC %d, %.2fs.\n\n",
		out.Users, out.Permissions, out.Edges, out.RoleCount, proof, out.UA, out.PA, out.WSC, secs)
	rows := make([][]string, len(out.Roles))
	for i, r := range out.Roles {
		rows[i] = []string{strconv.Itoa(i + 1), strconv.Itoa(len(r.Users)), strconv.Itoa(len(r.Permissions)), strings.Join(r.Permissions, " ")}
	}
	return render.WriteTable(ios.Out, []string{"ROLE", "USERS", "PERMISSIONS", "GRANTS"}, rows)
}
