// Package llm talks to an OpenAI-compatible endpoint (OpenAI, Azure OpenAI,
// Ollama, vLLM, LM Studio, LocalAI) through go-openai: an embedder behind
// index.EmbedFunc and an answer generator behind retrieval.Generator. It is
// the only package that imports go-openai, and only the command imports it.
package llm
