// Package seeds holds the documents shipped inside the qabot binary, so that
// it answers about them from any folder with zero configuration.
package seeds

import "embed"

// FS holds the shipped documents; a document's id is its file name without
// extension.
//
//go:embed *.txt
var FS embed.FS
