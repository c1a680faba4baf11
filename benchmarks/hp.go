package benchmarks

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/rolemine/rolemine/ingest/matrix"
	"github.com/rolemine/rolemine/mining"
)

// HPDataset is one classic role-mining dataset with its proved minimum
// number of roles and the best published heuristic results (role count and
// WSC), from datasets/hp/RESULTS.md.
type HPDataset struct {
	Name      string
	File      string
	MinRoles  int
	BestRoles int // best published heuristic, role count
	BestWSC   int // best published heuristic WSC (0: none published)
}

// HPDatasets are the ten datasets of the HP Labs suite and university.
var HPDatasets = []HPDataset{
	{"healthcare", "hc.txt", 14, 14, 268},
	{"domino", "domino.txt", 20, 20, 754},
	{"emea", "emea.txt", 34, 34, 7280},
	{"firewall1", "fire1.txt", 64, 66, 2019},
	{"firewall2", "fire2.txt", 10, 10, 1120},
	{"apj", "apj.txt", 453, 454, 4867},
	{"americas_small", "americas_small.txt", 178, 201, 11217},
	{"americas_large", "americas_large.txt", 398, 415, 91237},
	{"customer", "customer.txt", 276, 276, 45845},
	{"university", "university_large.rbac", 17, 0, 0},
}

// HPResult is the outcome of covering one dataset.
type HPResult struct {
	Dataset     string  `json:"dataset"`
	Users       int     `json:"users"`
	Permissions int     `json:"permissions"`
	Edges       int64   `json:"edges"`
	Objective   string  `json:"objective"`
	Roles       int     `json:"roles"`
	LowerBound  int     `json:"lowerBound"`
	Proved      bool    `json:"proved"`
	MinRoles    int     `json:"provedMinimum"`
	UA          int     `json:"ua"`
	PA          int     `json:"pa"`
	WSC         int     `json:"wsc"`
	BestWSC     int     `json:"bestPublishedWsc,omitempty"`
	BestRoles   int     `json:"bestPublishedRoles,omitempty"`
	Exact       bool    `json:"exact"`
	Seconds     float64 `json:"seconds"`
	Error       string  `json:"error,omitempty"`

	Stats mining.CoverStats `json:"stats"`
}

// RunHP covers every dataset found in dir with the given options and
// checks each cover independently of the miner.
func RunHP(ctx context.Context, dir string, opt mining.CoverOptions) ([]HPResult, error) {
	var out []HPResult
	for _, ds := range HPDatasets {
		path := filepath.Join(dir, ds.File)
		if _, err := os.Stat(path); err != nil {
			continue
		}
		m, err := matrix.ReadFile(path, "")
		if err != nil {
			return nil, err
		}
		start := time.Now()
		res, err := mining.Cover(ctx, m.Data, opt)
		if err != nil {
			return nil, err
		}
		r := HPResult{
			Dataset: ds.Name, Users: len(m.Users), Permissions: len(m.Permissions), Edges: m.Data.NumAssignments(),
			Objective: []string{"roles", "wsc"}[opt.Objective], Seconds: time.Since(start).Seconds(),
			Roles: len(res.Roles), LowerBound: res.LowerBound, Proved: res.Proved, MinRoles: ds.MinRoles,
			UA: res.UA(), PA: res.PA(), WSC: res.WSC(), BestWSC: ds.BestWSC, BestRoles: ds.BestRoles, Stats: res.Stats,
		}
		if err := mining.VerifyCover(m.Data, res.Roles, res.Exceptions); err != nil {
			r.Error = err.Error()
		} else {
			r.Exact = len(res.Exceptions) == 0
		}
		out = append(out, r)
	}
	return out, nil
}
