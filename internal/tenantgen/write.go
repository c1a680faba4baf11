package tenantgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Files written into the output directory.
const (
	UsersFile       = "users.csv"
	ResourcesFile   = "resources.csv"
	AssignmentsFile = "assignments.csv"
	TruthFile       = "truth.json"
	SoDRulesFile    = "sod-rules.yaml"
)

func (g *generator) write(dir string) error {
	if err := writeFile(filepath.Join(dir, UsersFile), g.writeUsers); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, ResourcesFile), g.writeResources); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, AssignmentsFile), g.writeAssignments); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, SoDRulesFile), g.writeSoDRules); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, TruthFile), func(w *bufio.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(g.truth)
	})
}

func writeFile(path string, fill func(*bufio.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fill(w); err != nil {
		return err
	}
	return w.Flush()
}

func (g *generator) writeUsers(w *bufio.Writer) error {
	w.WriteString("id,userPrincipalName,displayName,jobTitle,department,companyName,employeeType,accountEnabled,userType,managerId,officeLocation,costCenter\n")
	for i := range g.users {
		u := &g.users[i]
		dept, manager := "", ""
		if u.dept != nil {
			dept = u.dept.name
		}
		if u.manager >= 0 {
			manager = g.users[u.manager].id
		}
		writeCSVRow(w, u.id, u.upn, u.display, u.title, dept, u.company, u.employeeType, strconv.FormatBool(u.enabled), u.userType, manager, u.office, u.costCenter)
	}
	return nil
}

func (g *generator) writeResources(w *bufio.Writer) error {
	w.WriteString("id,type,displayName\n")
	for _, r := range g.resources {
		writeCSVRow(w, r.id, r.typ, r.name)
	}
	return nil
}

func (g *generator) writeAssignments(w *bufio.Writer) error {
	w.WriteString("userId,resourceId,role\n")
	suffix := make([][]byte, len(g.ents))
	for i, e := range g.ents {
		suffix[i] = []byte("," + csvField(g.resources[e.res].id) + "," + csvField(e.role) + "\n")
	}
	for i := range g.users {
		u := &g.users[i]
		for _, e := range u.grants {
			w.WriteString(u.id)
			w.Write(suffix[e])
		}
	}
	return nil
}

func (g *generator) writeSoDRules(w *bufio.Writer) error {
	w.WriteString("# Separation-of-duties rules planted by `rolemine generate tenant`.\n")
	w.WriteString("# Format: see docs/sod-rules.md.\nversion: 1\nrules:\n")
	for i, r := range g.truth.SoDRules {
		fmt.Fprintf(w, "  - name: %s\n    description: %s\n    severity: %s\n", yamlString(r.Name),
			yamlString("Planted rule: no one should hold both "+r.Name+"."), []string{"high", "critical", "medium"}[i%3])
		fmt.Fprintf(w, "    left:\n      - resource: %s\n        role: %s\n", yamlString(r.Left.ResourceID), yamlString(r.Left.Role))
		fmt.Fprintf(w, "    right:\n      - resource: %s\n        role: %s\n", yamlString(r.Right.ResourceID), yamlString(r.Right.Role))
	}
	return nil
}

func yamlString(s string) string {
	b, _ := json.Marshal(s) // a JSON string is a valid YAML double-quoted scalar
	return string(b)
}

func writeCSVRow(w *bufio.Writer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(csvField(f))
	}
	w.WriteByte('\n')
}

func csvField(s string) string {
	if s == "" || !strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ' && s[len(s)-1] != ' ' {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
