//go:build !unix

package index

import (
	"context"
	"os"
)

// fileLocks reports whether lockDir excludes other processes.
const fileLocks = false

// lockDir only creates dir where file locks are not available; syncs are
// still serialised within the process.
func lockDir(_ context.Context, dir string) (unlock func(), err error) {
	return func() {}, os.MkdirAll(dir, 0o755)
}
