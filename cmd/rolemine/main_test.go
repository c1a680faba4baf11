package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rolemine/rolemine/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"rolemine": func() { os.Exit(cli.Main()) }})
}

// TestScripts drives the real binary through the scripts in
// testdata/script; see testscript's documentation for their language.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "../../testdata/script", RequireExplicitExec: true})
}
