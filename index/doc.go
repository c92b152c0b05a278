// Package index turns document files into numbered clauses, embeds them and
// keeps them in a persistent chromem-go store that is replaced atomically.
package index
