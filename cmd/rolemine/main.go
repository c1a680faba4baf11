// Command rolemine mines job-function access packages from a directory's
// current access. See README.md.
package main

import (
	"os"

	"github.com/rolemine/rolemine/internal/cli"
)

func main() { os.Exit(cli.Main()) }
