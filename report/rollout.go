package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"

	"github.com/rolemine/rolemine/internal/render"
)

// The rollout as one self-contained page: no script, no request, every
// value escaped by html/template.
//
//go:embed rollout.html.tmpl
var rolloutTemplate string

var rolloutTmpl = template.Must(template.New("rollout").Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).Parse(rolloutTemplate))

// Rollout is the rollout plan wave by wave: who each wave assigns each
// package to, who gains access by it, the approvals and reviews that
// apply, and, for the last wave (retiring the direct grants the packages
// replace), who loses access. Conflicts are the users each
// incompatibility will find holding both sides.
type Rollout struct {
	SnapshotID int64             `json:"snapshotId"`
	RunID      int64             `json:"runId"`
	Pilot      string            `json:"pilot,omitempty"`
	Waves      []Wave            `json:"waves"`
	Conflicts  []RolloutConflict `json:"conflicts"`
}

// Wave is one step of the rollout.
type Wave struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Packages    []WavePackage `json:"packages"`
	// Users the wave changes, and the grants they gain or lose.
	UsersGaining int `json:"usersGaining"`
	Gained       int `json:"grantsGained"`
	UsersLosing  int `json:"usersLosing"`
	Lost         int `json:"grantsLost"`
}

// WavePackage is what a wave does with one package.
type WavePackage struct {
	PackageID string `json:"packageId"`
	Name      string `json:"name"`
	// Direct are the users assigned directly (back-fill, pilot); ByRule
	// those the automatic policy assigns.
	Direct int `json:"direct"`
	ByRule int `json:"byRule"`
	// Gaining users lack some of its access today; Gained counts the
	// grants they get.
	Gaining int `json:"gaining"`
	Gained  int `json:"grantsGained"`
	// Policy says which approvals, reviews and expiration apply.
	Policy string `json:"policy"`
}

// RolloutConflict is an incompatibility and the users who will hold both.
type RolloutConflict struct {
	PackageID string   `json:"packageId"`
	Other     string   `json:"other"`
	Users     []string `json:"users"`
}

// WriteRollout renders the rollout as table, csv (a row per wave and
// package), json or html.
func WriteRollout(w io.Writer, r *Rollout, format string, l render.Layout) error {
	switch format {
	case "html":
		return rolloutTmpl.Execute(w, r)
	case render.JSON:
		return render.WriteJSON(w, r)
	case render.CSV:
		var rows [][]string
		for _, wv := range r.Waves {
			for _, p := range wv.Packages {
				rows = append(rows, []string{wv.Name, p.PackageID, p.Name, strconv.Itoa(p.Direct), strconv.Itoa(p.ByRule),
					strconv.Itoa(p.Gaining), strconv.Itoa(p.Gained), p.Policy})
			}
		}
		return render.WriteCSV(w, []string{"wave", "packageId", "packageName", "direct", "byRule", "gaining", "grantsGained", "policy"}, rows)
	case render.Table:
		for i, wv := range r.Waves {
			if i > 0 {
				fmt.Fprintln(w)
			}
			render.WriteParagraph(w, l.Width, fmt.Sprintf("Wave %d, %s: %s %s gain access (%s)%s.", i+1, wv.Name, wv.Description,
				render.Count(wv.UsersGaining, "user"), render.Count(wv.Gained, "grant"), lossText(wv)))
			if len(wv.Packages) == 0 {
				continue
			}
			fmt.Fprintln(w)
			rows := make([][]string, len(wv.Packages))
			for k, p := range wv.Packages {
				rows[k] = []string{p.Name, strconv.Itoa(p.Direct), strconv.Itoa(p.ByRule), strconv.Itoa(p.Gaining), p.Policy}
			}
			if err := writeTable(w, l, []render.Column{{Name: "PACKAGE", Wrap: true}, {Name: "DIRECT"}, {Name: "BY RULE"}, {Name: "GAINING"},
				{Name: "APPROVAL, REVIEW, EXPIRATION", Wrap: true}}, rows); err != nil {
				return err
			}
		}
		if len(r.Conflicts) > 0 {
			fmt.Fprintln(w)
			render.WriteParagraph(w, l.Width, "Conflicts that remain (incompatibilities are marked after the back-fill; these users hold both sides):")
			rows := make([][]string, len(r.Conflicts))
			for i, c := range r.Conflicts {
				rows[i] = []string{c.PackageID, c.Other, strconv.Itoa(len(c.Users))}
			}
			return writeTable(w, l, []render.Column{{Name: "PACKAGE", Wrap: true}, {Name: "INCOMPATIBLE WITH", Wrap: true}, {Name: "USERS"}}, rows)
		}
		return nil
	}
	return render.CheckFormat(format, render.Table, render.CSV, render.JSON, "html")
}

func lossText(wv Wave) string {
	if wv.UsersLosing == 0 {
		return "; nobody loses access"
	}
	return fmt.Sprintf("; %s lose access (%s)", render.Count(wv.UsersLosing, "user"), render.Count(wv.Lost, "grant"))
}
