//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package index

import (
	"errors"
	"os"
)

// mapFile is not available here: query files are read instead.
func mapFile(*os.File, int64) ([]byte, error) {
	return nil, errors.New("no mmap on this system")
}
