package main

import (
	"os"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rolemine/rolemine/internal/cli"
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
			"sleep": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: sleep duration")
				}
				d, err := time.ParseDuration(args[0])
				ts.Check(err)
				time.Sleep(d)
			},
		},
	})
}
