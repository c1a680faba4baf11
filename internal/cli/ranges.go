package cli

import (
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/cobra"
)

// flagRange is the valid interval of a numeric flag: [lo, hi], with either
// end left out when open.
type flagRange struct {
	name           string
	lo, hi         float64
	loOpen, hiOpen bool
}

// Shorthands for the intervals the flags use.
func share(name string) flagRange    { return flagRange{name: name, lo: 0, hi: 1} }               // [0, 1]
func posShare(name string) flagRange { return flagRange{name: name, lo: 0, hi: 1, loOpen: true} } // (0, 1]
func fraction(name string) flagRange { return flagRange{name: name, lo: 0, hi: 1, hiOpen: true} } // [0, 1)
func atLeast(name string, lo float64) flagRange {
	return flagRange{name: name, lo: lo, hi: math.Inf(1)}
}
func above(name string, lo float64) flagRange {
	return flagRange{name: name, lo: lo, hi: math.Inf(1), loOpen: true}
}

func (r flagRange) contains(v float64) bool {
	if math.IsNaN(v) || v < r.lo || v > r.hi {
		return false
	}
	return !(r.loOpen && v == r.lo) && !(r.hiOpen && v == r.hi)
}

func (r flagRange) String() string {
	switch {
	case math.IsInf(r.hi, 1) && r.loOpen:
		return fmt.Sprintf("above %v", r.lo)
	case math.IsInf(r.hi, 1):
		return fmt.Sprintf("at least %v", r.lo)
	}
	l, h := "[", "]"
	if r.loOpen {
		l = "("
	}
	if r.hiOpen {
		h = ")"
	}
	return fmt.Sprintf("in %s%v, %v%s", l, r.lo, r.hi, h)
}

// withRanges makes cmd refuse, as a usage error (exit 2), a value of one of
// its numeric flags outside its range, before it runs.
func withRanges(cmd *cobra.Command, ranges ...flagRange) *cobra.Command {
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		for _, r := range ranges {
			f := c.Flags().Lookup(r.name)
			if f == nil {
				panic("withRanges: no flag --" + r.name)
			}
			v, err := strconv.ParseFloat(f.Value.String(), 64)
			if err != nil || !r.contains(v) {
				return usagef("--%s must be %s, got %s", r.name, r, f.Value.String())
			}
		}
		return run(c, args)
	}
	return cmd
}
