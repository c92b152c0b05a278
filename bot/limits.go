package bot

// Discord's limits, in characters unless said otherwise.
const (
	maxContent     = 2000 // a message's content
	maxEmbedTotal  = 6000 // all the text of a message's embeds
	maxFields      = 25   // fields in an embed
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxCustomID    = 100 // a button's or menu's custom id
	maxChoices     = 25  // autocomplete choices
	maxChoiceText  = 100 // a choice's name or value
	maxMenuOptions = 25  // options of a select menu
	maxMenuText    = 100 // an option's label or value
	maxButtonLabel = 80
	maxThreadName  = 100
)

// The bot's own bounds.
const (
	maxMessages    = 3   // messages one reply takes; a longer text is attached whole
	maxShowButtons = 8   // "Show" buttons under an answer (two rows of four)
	buttonsPerRow  = 4   // of Discord's five
	quoteRunes     = 160 // a source's quote in the sources embed
	echoRunes      = 300 // the question shown above an /ask answer
	askK           = 5   // clauses retrieved per question
)
