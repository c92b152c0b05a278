// Package retrieval finds the clauses that answer a question — lexical BM25
// and dense search fused, explicit section references resolved directly —
// and builds answers whose every citation is a retrieved clause.
package retrieval
