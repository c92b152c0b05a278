package retrieval

// Notice says why an answer comes with a note for its reader. It is a
// reason code: retrieval names no flag, setting or command; the command
// line and the bot word it for their readers.
type Notice string

// The notices of an answer.
const (
	// NoticeCrossLanguage: the question is in another language than the
	// documents and there is no embedding endpoint, so only names, numbers
	// and Latin words could be matched.
	NoticeCrossLanguage Notice = "cross-language"
	// NoticeCrossLanguageExtractive: retrieval across languages was
	// semantic, but the extractive answer matches words; a chat model
	// would answer from the clauses retrieved.
	NoticeCrossLanguageExtractive Notice = "cross-language-extractive"
	// NoticeEmbedFailed: the embedding endpoint failed; clauses were
	// matched by their words only.
	NoticeEmbedFailed Notice = "embed-failed"
	// NoticeModelFailed: the chat model failed; the answer is extractive.
	NoticeModelFailed Notice = "model-failed"
	// NoticeModelTimeout: the chat model did not answer in time; the
	// answer is extractive.
	NoticeModelTimeout Notice = "model-timeout"
	// NoticeNoCitation: the chat model's answer cited none of the clauses
	// retrieved; the answer is extractive.
	NoticeNoCitation Notice = "no-citation"
)
