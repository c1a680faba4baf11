package main

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rolemine/rolemine/export"
	"github.com/rolemine/rolemine/graph/graphfake"
	"github.com/rolemine/rolemine/internal/cli"
	"github.com/rolemine/rolemine/internal/store"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"rolemine": func() { os.Exit(cli.Main()) }})
}

// TestScripts drives the real binary through the scripts in
// testdata/script; see testscript's documentation for their language.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// sleep DURATION waits, e.g. before interrupting a background command.
			// fakegraph DIR [fault=VALUE...] serves the tenant files in DIR as
			// a local Graph (see graph/graphfake) until the script ends,
			// and sets GRAPH_URL to its base URL. Faults: throttle=N,
			// unavailable=N, fail=PATH, malformed=PATH, delay=DURATION.
			"fakegraph": fakeGraph,
			// fakegraph-leave USERID deletes a user from the running fake.
			"fakegraph-leave": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: fakegraph-leave userid")
				}
				fakeServer(ts).RemoveUser(args[0])
			},
			// fakegraph-nest GROUP N moves N of the group's user members
			// into a new group nested in it, "GROUP (legacy)".
			"fakegraph-nest": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: fakegraph-nest group n")
				}
				n, err := strconv.Atoi(args[1])
				ts.Check(err)
				_, err = fakeServer(ts).Nest(args[0], n)
				ts.Check(err)
			},
			// fakegraph-writes-mark remembers how many writes the fake has
			// received; fakegraph-writes-since N checks that N came since.
			"fakegraph-writes-mark": func(ts *testscript.TestScript, neg bool, args []string) {
				ts.Setenv("FAKEGRAPH_WRITES_MARK", strconv.Itoa(len(fakeServer(ts).Writes())))
			},
			"fakegraph-writes-since": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: fakegraph-writes-since n")
				}
				mark, err := strconv.Atoi(ts.Getenv("FAKEGRAPH_WRITES_MARK"))
				ts.Check(err)
				if got := len(fakeServer(ts).Writes()) - mark; strconv.Itoa(got) != args[0] {
					ts.Fatalf("fake Graph received %d writes since the mark, want %s", got, args[0])
				}
			},
			// fakegraph-writes N checks that the fake received N writes.
			"fakegraph-writes": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: fakegraph-writes n")
				}
				if got := len(fakeServer(ts).Writes()); strconv.Itoa(got) != args[0] {
					ts.Fatalf("fake Graph received %d writes, want %s", got, args[0])
				}
			},
			// fakegraph-created KIND N checks how many objects of a kind the
			// fake holds (catalogs, packages, scopes, policies, ...).
			"fakegraph-created": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: fakegraph-created kind n")
				}
				if got := fakeServer(ts).Created(args[0]); strconv.Itoa(got) != args[1] {
					ts.Fatalf("fake Graph holds %d %s, want %s", got, args[0], args[1])
				}
			},
			// fakegraph-scopes PLAN checks that the fake holds, for every
			// package of the plan (graph-plan.json), one resource role scope
			// per role scope step, and that every site role granted is one
			// of the site's groups (a numeric origin id).
			"fakegraph-scopes": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: fakegraph-scopes plan.json")
				}
				var plan export.Plan
				ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &plan))
				want := map[string]int{}
				names := map[string]string{}
				for _, st := range plan.Steps {
					if strings.HasPrefix(st.ID, "package:") {
						names[strings.TrimPrefix(st.ID, "package:")] = st.Body.(map[string]any)["displayName"].(string)
					}
					if strings.HasPrefix(st.ID, "roleScope:") {
						pkg, _, _ := strings.Cut(strings.TrimPrefix(st.ID, "roleScope:"), ":")
						want[names[pkg]]++
					}
				}
				got := fakeServer(ts).RoleScopes()
				sites := 0
				for name, n := range want {
					if len(got[name]) != n {
						ts.Fatalf("package %q has %d role scopes, the plan grants %d", name, len(got[name]), n)
					}
					for _, sc := range got[name] {
						role := sc["role"].(map[string]any)
						if role["originSystem"] == "SharePointOnline" {
							sites++
							if _, err := strconv.Atoi(role["originId"].(string)); err != nil {
								ts.Fatalf("package %q: site role %v is not one of the site's groups", name, role)
							}
						}
					}
				}
				if len(want) == 0 || sites == 0 {
					ts.Fatalf("the plan grants no site role: the check proves nothing")
				}
				ts.Logf("%d packages, every role scope created (%d site roles)", len(want), sites)
			},
			// fakegraph-assigned PLAN checks that the fake received one
			// assignment request for each user the plan's back-fill assigns,
			// through the package it names, and none other.
			"fakegraph-assigned": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: fakegraph-assigned plan.json")
				}
				var plan export.Plan
				ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &plan))
				names := map[string]string{}
				want := map[string][]string{}
				for _, st := range plan.Steps {
					if id, ok := strings.CutPrefix(st.ID, "package:"); ok {
						names[id] = st.Body.(map[string]any)["displayName"].(string)
					}
					if rest, ok := strings.CutPrefix(st.ID, "assign:"); ok {
						pkg, user, _ := strings.Cut(rest, ":")
						want[names[pkg]] = append(want[names[pkg]], user)
					}
				}
				if len(want) == 0 {
					ts.Fatalf("the plan assigns nobody: the check proves nothing")
				}
				got := fakeServer(ts).AssignmentRequests()
				for name, users := range want {
					if strings.Join(got[name], ",") != strings.Join(users, ",") {
						ts.Fatalf("package %q: requested %v, want %v", name, got[name], users)
					}
				}
				if len(got) != len(want) {
					ts.Fatalf("requests for %d packages, the plan back-fills %d", len(got), len(want))
				}
				ts.Logf("%d packages back-filled, every user once", len(want))
			},
			// holddb [-ro] FILE opens a database in the test process (another
			// process than rolemine's), read-only with -ro, until the script ends.
			"holddb": func(ts *testscript.TestScript, neg bool, args []string) {
				ro := len(args) == 2 && args[0] == "-ro"
				if neg || len(args) != 1 && !ro {
					ts.Fatalf("usage: holddb [-ro] file")
				}
				st, err := store.OpenWith(context.Background(), ts.MkAbs(args[len(args)-1]), store.OpenOptions{ReadOnly: ro, MustExist: true})
				ts.Check(err)
				ts.Defer(func() { st.Close() })
			},
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: sleep duration")
				}
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
		},
		Setup: func(env *testscript.Env) error {
			env.Values["fakegraph"] = &fakeHolder{}
			return nil
		},
	})
}

func fakeGraph(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: fakegraph dir [fault=value...]")
	}
	t, err := graphfake.FromFiles(ts.MkAbs(args[0]))
	ts.Check(err)
	var f graphfake.Faults
	for _, a := range args[1:] {
		k, v, _ := strings.Cut(a, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "throttle":
			f.ThrottleEvery = n
		case "unavailable":
			f.UnavailableEvery = n
		case "fail":
			f.FailPath = v
		case "malformed":
			f.MalformedPath = v
		case "delay":
			d, err := time.ParseDuration(v)
			ts.Check(err)
			f.Delay = d
		default:
			ts.Fatalf("unknown fault %q", k)
		}
	}
	srv := graphfake.New(t)
	srv.SetFaults(f)
	ts.Defer(srv.Close)
	ts.Setenv("GRAPH_URL", srv.URL+"/v1.0")
	if len(t.Users) > 0 {
		ts.Setenv("GRAPH_FIRST_USER", t.Users[0].ID)
	}
	ts.Value("fakegraph").(*fakeHolder).srv = srv
}

func fakeServer(ts *testscript.TestScript) *graphfake.Server {
	h := ts.Value("fakegraph").(*fakeHolder)
	if h.srv == nil {
		ts.Fatalf("no fakegraph running")
	}
	return h.srv
}

// fakeHolder keeps a script's fake Graph server.
type fakeHolder struct{ srv *graphfake.Server }
