// Package matrixgen generates planted role-mining instances: a
// users×permissions matrix made of k planted roles, each user holding a
// random set of them (their permissions OR-ed), optionally with noise. An
// exact cover with at most k roles always exists; how close a miner gets
// to it on dense instances (users holding many overlapping roles, about
// half the cells set) is what the structural core is measured by.
package matrixgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/rolemine/rolemine/mining"
)

// Config sets an instance's shape.
type Config struct {
	Users, Perms, Roles int
	// MinRolesPerUser and MaxRolesPerUser bound how many roles each user
	// holds (uniformly at random).
	MinRolesPerUser, MaxRolesPerUser int
	// Density is the share of cells the roles should set (default 0.5):
	// each role holds each permission with the probability that makes a
	// user of average roles hold that share.
	Density float64
	// Noise flips this share of the cells after the roles are OR-ed.
	Noise float64
	Seed  uint64
}

// Planted is a generated instance.
type Planted struct {
	Data *mining.Dataset
	// Roles[r] are the permissions of planted role r, ascending;
	// UserRoles[u] the roles user u holds.
	Roles     [][]int32
	UserRoles [][]int32
}

func (c Config) check() error {
	switch {
	case c.Users < 1 || c.Perms < 1 || c.Roles < 1:
		return fmt.Errorf("matrixgen: users, permissions and roles must be at least 1")
	case c.MinRolesPerUser < 1 || c.MaxRolesPerUser < c.MinRolesPerUser || c.MaxRolesPerUser > c.Roles:
		return fmt.Errorf("matrixgen: roles per user %d-%d must be within 1-%d", c.MinRolesPerUser, c.MaxRolesPerUser, c.Roles)
	case c.Density < 0 || c.Density >= 1 || c.Noise < 0 || c.Noise >= 1 || math.IsNaN(c.Density) || math.IsNaN(c.Noise):
		return fmt.Errorf("matrixgen: density and noise must be in [0, 1)")
	}
	return nil
}

// Generate builds an instance; the same Config gives the same instance.
func Generate(cfg Config) (*Planted, error) {
	if cfg.Density == 0 {
		cfg.Density = 0.5
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x706c616e74))
	avg := float64(cfg.MinRolesPerUser+cfg.MaxRolesPerUser) / 2
	p := 1 - math.Pow(1-cfg.Density, 1/avg)
	pl := &Planted{Roles: make([][]int32, cfg.Roles), UserRoles: make([][]int32, cfg.Users)}
	for r := range pl.Roles {
		for q := range cfg.Perms {
			if rng.Float64() < p {
				pl.Roles[r] = append(pl.Roles[r], int32(q))
			}
		}
		if len(pl.Roles[r]) == 0 {
			pl.Roles[r] = []int32{int32(rng.IntN(cfg.Perms))}
		}
	}
	b := mining.NewBuilder(cfg.Users, cfg.Perms)
	row := make([]bool, cfg.Perms)
	for u := range cfg.Users {
		clear(row)
		n := cfg.MinRolesPerUser + rng.IntN(cfg.MaxRolesPerUser-cfg.MinRolesPerUser+1)
		for _, r := range rng.Perm(cfg.Roles)[:n] {
			pl.UserRoles[u] = append(pl.UserRoles[u], int32(r))
			for _, q := range pl.Roles[r] {
				row[q] = true
			}
		}
		slices.Sort(pl.UserRoles[u])
		for q, set := range row {
			if cfg.Noise > 0 && rng.Float64() < cfg.Noise {
				set = !set
			}
			if set {
				b.Add(u, q)
			}
		}
	}
	pl.Data = b.Build()
	return pl, nil
}

// Write writes the instance into dir: matrix.txt in the hp format ("user
// permission" per line, as `rolemine cover` reads it) and roles.json with
// the planted roles and who holds them.
func (pl *Planted) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "matrix.txt"), func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for u := 0; u < pl.Data.NumUsers; u++ {
			for _, q := range pl.Data.Row(u) {
				fmt.Fprintf(bw, "u%d p%d\n", u, q)
			}
		}
		return bw.Flush()
	}); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "roles.json"), func(w io.Writer) error {
		type role struct {
			Permissions []string `json:"permissions"`
			Users       []string `json:"users"`
		}
		out := make([]role, len(pl.Roles))
		for r, perms := range pl.Roles {
			for _, q := range perms {
				out[r].Permissions = append(out[r].Permissions, fmt.Sprintf("p%d", q))
			}
			out[r].Users = []string{}
		}
		for u, rs := range pl.UserRoles {
			for _, r := range rs {
				out[r].Users = append(out[r].Users, fmt.Sprintf("u%d", u))
			}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"roles": out})
	})
}

func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
