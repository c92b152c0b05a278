//go:build !unix

package index

import (
	"context"
	"os"
)

// lockDir only creates dir where file locks are not available; syncs are
// still serialised within the process.
func lockDir(_ context.Context, dir string) (unlock func(), err error) {
	return func() {}, os.MkdirAll(dir, 0o755)
}
