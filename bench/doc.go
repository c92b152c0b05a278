// Package bench measures qabot's peers — chromem-go's own exhaustive query
// and bleve's BM25 — on the same clauses and questions as qabot bench. It is
// a separate module so that the qabot binary never carries bleve.
package bench
