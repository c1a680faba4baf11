// Package cli is rolemine's command layer: it parses flags, calls the
// library packages and renders their results. It is the only package that
// imports cobra; it holds no business logic.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/rolemine/rolemine/internal/render"
	"github.com/rolemine/rolemine/internal/store"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Version is set at build time with -ldflags "-X github.com/rolemine/rolemine/internal/cli.Version=...".
// When it is not, version() reads the module version the Go toolchain
// stamped into the binary (go install ...@v1.2.3, or a VCS pseudo-version).
var Version = ""

// version returns the version --version prints.
func version() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v := "(devel)"
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			v += " " + s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			v += " (modified)"
		}
	}
	return v
}

// IO holds the streams a command reads and writes.
type IO struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	ErrTTY bool // stderr is a terminal: show progress
	// meter shows the stages' progress (see progress).
	meter *meter
	// Width is the number of columns tables may take: the COLUMNS
	// environment variable when set, else the width of the terminal that
	// stdout is, else 0 (no limit: a pipe or a file gets whole lines).
	Width int
}

// SystemIO returns the process's streams.
func SystemIO() *IO {
	return &IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, ErrTTY: isTerminal(os.Stderr), Width: outWidth()}
}

func outWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && isTerminal(os.Stdout) {
		return w
	}
	return 0
}

// layout is how a command's tables are laid out: to the terminal's width,
// with at most limit rows per list (0: all).
func (ios *IO) layout(limit int) render.Layout { return render.Layout{Width: ios.Width, Limit: limit} }

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// usageError marks errors in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// Main runs rolemine with the process's arguments and returns its exit code.
// An interrupt cancels the running command, which stops cleanly.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, SystemIO(), os.Args[1:])
}

// Run runs rolemine with args and returns its exit code.
func Run(ctx context.Context, ios *IO, args []string) int {
	root := NewRoot(ios)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// Every write is one transaction, so an interrupted command
		// leaves the database as it was before it.
		fmt.Fprintln(ios.Err, "rolemine: interrupted; no partial snapshot, run or report was written")
		return exitError
	}
	fmt.Fprintln(ios.Err, "rolemine:", plainMessage(err))
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(ios.Err, "Run 'rolemine --help' for usage.")
		return exitUsage
	}
	return exitError
}

// plainMessage is err's message without the database driver's prefixes,
// which say where the words come from rather than what happened.
func plainMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"database/sql/driver: ", "could not open database: ", "duckdb error: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

// globals are the flags every command shares.
type globals struct {
	db          string
	lockWait    time.Duration
	memoryLimit string
	ios         *IO
}

// NewRoot builds the command tree.
func NewRoot(ios *IO) *cobra.Command {
	g := &globals{ios: ios}
	root := &cobra.Command{
		Use:   "rolemine",
		Short: "Mine job-function access packages from who holds what today",
		Long: `rolemine reads who holds which group, app role and SharePoint site today, with
everyone's job title, into a DuckDB file; proposes one access package per job
function with its Entra assignment rule; reports overprovisioning and
separation-of-duties conflicts; and exports the packages for Entra and other tools.

Start with 'rolemine demo'.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.PersistentFlags().StringVar(&g.db, "db", "rolemine.duckdb", "DuckDB database `file`")
	root.PersistentFlags().DurationVar(&g.lockWait, "lock-wait", store.DefaultLockWait, "how long to wait while another process holds the database")
	root.PersistentFlags().StringVar(&g.memoryLimit, "memory-limit", store.DefaultMemoryLimit, "memory DuckDB may take for its buffers (e.g. 2GB, 16GB); past it, large ingests spill to disk")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newGenerateCmd(ios),
		newIngestCmd(ios, g),
		newSnapshotsCmd(ios, g),
		newRunsCmd(ios, g),
		newMineCmd(ios, g),
		newBacktestCmd(ios, g),
		newReportCmd(ios, g),
		newExportCmd(ios, g),
		newApplyCmd(ios, g),
		newAttributesCmd(ios, g),
		newDemoCmd(ios),
		newBenchCmd(ios, g),
		newCoverCmd(ios),
	)
	return root
}

// noArgs rejects positional arguments (and unknown subcommands) as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return usagef("unknown command %q for %q", args[0], cmd.CommandPath())
		}
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

// groupCmd is a command that only holds subcommands.
func groupCmd(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("%s needs a subcommand: %s", cmd.CommandPath(), subNames(cmd))
		}}
	c.AddCommand(subs...)
	return c
}

func subNames(cmd *cobra.Command) string {
	s := ""
	for i, c := range cmd.Commands() {
		if i > 0 {
			s += ", "
		}
		s += c.Name()
	}
	return s
}

// access is how a command uses the database.
type access int

const (
	reads   access = iota // reads an existing database, opened read-only
	writes                // adds to an existing database
	creates               // may create the database
)

// checkMemoryLimit rejects a --memory-limit that is not a size.
func (g *globals) checkMemoryLimit() error {
	if g.memoryLimit != "" && !store.ValidMemoryLimit(g.memoryLimit) {
		return usagef("--memory-limit %q is not a size (use e.g. 4GB or 512MB)", g.memoryLimit)
	}
	return nil
}

// openStore opens the database named by --db for a command's access. A
// database that is missing is an error except for commands that create one,
// so a mistyped --db does not become a new, empty file.
func openStore(ctx context.Context, g *globals, a access) (*store.Store, error) {
	if err := g.checkMemoryLimit(); err != nil {
		return nil, err
	}
	wait := g.lockWait
	if wait <= 0 {
		wait = -1 // do not wait
	}
	st, err := store.OpenWith(ctx, g.db, store.OpenOptions{ReadOnly: a == reads, MustExist: a != creates, LockWait: wait, MemoryLimit: g.memoryLimit})
	if err == nil && g.ios != nil {
		st.Progress = progress(g.ios)
	}
	return st, err
}

// checkOutDir refuses to write into a directory that already holds files,
// unless --force: a command that writes several files into --out must not
// replace someone's files without a word.
func checkOutDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
			return usagef("--out %s is a file, not a directory", dir)
		}
		return err
	case len(entries) > 0 && !force:
		return usagef("--out %s is not empty: its files would be replaced (use --force to replace them, or another directory)", dir)
	}
	return nil
}

// requireFlags returns a usage error naming the flags of cmd that were not set.
func requireFlags(cmd *cobra.Command, names ...string) error {
	var missing []string
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			missing = append(missing, "--"+n)
		}
	}
	if len(missing) > 0 {
		return usagef("%s needs %s", cmd.CommandPath(), strings.Join(missing, " and "))
	}
	return nil
}
