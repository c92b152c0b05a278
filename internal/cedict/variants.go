package cedict

import "strings"

// Variants returns the forms of an English word (lower case) to look up,
// most faithful first: the word itself, its American spelling when it is
// written the British way (labour → labor, centre → center, programme →
// program, optimising → optimizing, defence → defense, travelling →
// traveling), and for each of those the base forms a plural, -ing, -ed or
// -est ending may come from (policies → policy, measures → measure,
// planning → plan, assessed → assess, longest → long). Not every form is a
// word; the caller keeps those the table has. Words of three letters or
// fewer are left as they are.
func Variants(w string) []string {
	out := []string{w}
	add := func(v string) {
		if len(v) >= 2 {
			for _, o := range out {
				if o == v {
					return
				}
			}
			out = append(out, v)
		}
	}
	if base, ok := irregular[w]; ok {
		add(base)
	}
	if len(w) <= 3 {
		return out
	}
	spell := american(w)
	if spell != w {
		add(spell)
	}
	for _, s := range []string{w, spell} {
		for _, b := range baseForms(s) {
			add(b)
			if a := american(b); a != b {
				add(a)
			}
		}
	}
	return out
}

// american rewrites British spellings: -our → -or, -tre → -ter, -ise/-isation
// → -ize/-ization, -ence → -ense for the few words spelled so (defence,
// licence, offence, pretence), -lled/-lling → -led/-ling, programme.
func american(w string) string {
	switch {
	case strings.HasPrefix(w, "programme"):
		return "program" + w[len("programme"):]
	case strings.HasPrefix(w, "catalogue"):
		return "catalog" + w[len("catalogue"):]
	}
	for _, p := range [][2]string{{"defenc", "defens"}, {"licenc", "licens"}, {"offenc", "offens"}, {"pretenc", "pretens"}} {
		if strings.HasPrefix(w, p[0]) {
			return p[1] + w[len(p[0]):]
		}
	}
	// -our- in labour, favour, neighbour, honour, behaviour, harbour,
	// colour, endeavour, vigour, rumour (not four, hour, tour, your, pour,
	// sour, flour, course, source, journey).
	for _, stem := range []string{"labour", "favour", "neighbour", "honour", "behaviour", "harbour", "colour", "endeavour", "vigour", "rumour", "humour", "savour", "armour", "flavour", "vapour", "odour", "rigour", "valour", "parlour", "saviour", "splendour", "tumour", "clamour"} {
		if strings.HasPrefix(w, stem) {
			return stem[:len(stem)-2] + "r" + w[len(stem):]
		}
	}
	for _, suf := range [][2]string{{"tres", "ters"}, {"tre", "ter"}, {"tred", "tered"}, {"tring", "tering"}} {
		if strings.HasSuffix(w, suf[0]) && len(w) > len(suf[0])+2 {
			return w[:len(w)-len(suf[0])] + suf[1]
		}
	}
	for _, suf := range [][2]string{
		{"isation", "ization"}, {"isations", "izations"}, {"ise", "ize"}, {"ises", "izes"}, {"ised", "ized"}, {"ising", "izing"},
		{"yse", "yze"}, {"ysed", "yzed"}, {"ysing", "yzing"},
	} {
		if strings.HasSuffix(w, suf[0]) && len(w) > len(suf[0])+2 && !britishIseExempt(w) {
			return w[:len(w)-len(suf[0])] + suf[1]
		}
	}
	for _, suf := range [][2]string{{"lled", "led"}, {"lling", "ling"}, {"ller", "ler"}} {
		if strings.HasSuffix(w, suf[0]) && len(w) > len(suf[0])+2 && travelStem(w[:len(w)-len(suf[0])]) {
			return w[:len(w)-len(suf[0])] + suf[1]
		}
	}
	return w
}

// britishIseExempt are words whose -ise is no British spelling.
func britishIseExempt(w string) bool {
	for _, p := range []string{"advertis", "advis", "arise", "chastis", "comprise", "compromis", "concise", "despis", "devis",
		"disguis", "enterpris", "excis", "exercis", "expertis", "franchis", "improvis", "incis", "merchandis", "noise",
		"otherwise", "precise", "premise", "promis", "raise", "revis", "rise", "supervis", "surmis", "surpris", "televis",
		"wise", "analys", "paralys", "catalys", "bruise", "cruise", "praise", "poise", "concis", "precis", "premis", "practis"} {
		if strings.HasPrefix(w, p) || strings.HasSuffix(w, p) {
			return true
		}
	}
	return false
}

// travelStem reports whether the stem before a doubled l is one British
// English doubles and American English does not (travel, cancel, model,
// label, signal, fuel, channel, level, total, counsel).
func travelStem(s string) bool {
	for _, t := range []string{"travel", "cancel", "model", "label", "signal", "fuel", "channel", "level", "total", "counsel", "marvel", "quarrel", "tunnel", "dial", "equal", "jewel", "shovel", "panel"} {
		if strings.HasSuffix(s+"l", t) || s == t[:len(t)-1] {
			return true
		}
	}
	return false
}

// irregular are the base forms of irregular verbs and plurals that
// questions use.
var irregular = map[string]string{}

func init() {
	for _, p := range strings.Fields(`held:hold won:win made:make took:take taken:take gave:give given:give
		brought:bring built:build bought:buy sought:seek found:find met:meet said:say paid:pay laid:lay led:lead
		left:leave lost:lose meant:mean sent:send spent:spend
		began:begin begun:begin became:become came:come chose:choose chosen:choose drew:draw drawn:draw
		drove:drive driven:drive ate:eat eaten:eat fell:fall fallen:fall felt:feel fought:fight flew:fly
		forgot:forget forgotten:forget froze:freeze frozen:freeze got:get gotten:get went:go gone:go grew:grow
		grown:grow had:have heard:hear hid:hide hidden:hide kept:keep knew:know known:know lent:lend
		lain:lie rode:ride ridden:ride rang:ring rung:ring rose:rise risen:rise ran:run saw:see seen:see
		sold:sell shook:shake shaken:shake shot:shoot showed:show shown:show sang:sing sung:sing sat:sit
		slept:sleep spoke:speak spoken:speak stood:stand stole:steal stolen:steal struck:strike swore:swear
		sworn:swear taught:teach thought:think threw:throw thrown:throw told:tell understood:understand
		woke:wake wore:wear worn:wear wrote:write written:write withdrew:withdraw withdrawn:withdraw
		undertook:undertake undertaken:undertake overcame:overcome arose:arise arisen:arise borne:bear forbade:forbid forbidden:forbid
		men:man women:woman children:child people:person feet:foot teeth:tooth mice:mouse
		criteria:criterion phenomena:phenomenon analyses:analysis crises:crisis theses:thesis bases:basis`) {
		k, v, _ := strings.Cut(p, ":")
		irregular[k] = v
	}
}

// baseForms are the forms an inflected word may come from, most likely
// first.
func baseForms(w string) []string {
	var out []string
	has := func(suf string) bool { return strings.HasSuffix(w, suf) && len(w) > len(suf)+2 }
	cut := func(n int) string { return w[:len(w)-n] }
	switch {
	case has("ies"):
		out = append(out, cut(3)+"y")
	case has("sses"), has("xes"), has("ches"), has("shes"), has("zes"):
		out = append(out, cut(2), cut(1))
	case has("ss"), has("us"), has("is"):
	case has("es"):
		out = append(out, cut(1), cut(2))
	case has("s"):
		out = append(out, cut(1))
	}
	switch {
	case has("ying"):
		out = append(out, cut(3))
	case has("ing"):
		s := cut(3)
		out = append(out, s, s+"e")
		if n := len(s); n >= 3 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiouls", rune(s[n-1])) {
			out = append(out, s[:n-1])
		}
	}
	switch {
	case has("ied"):
		out = append(out, cut(3)+"y")
	case has("eed"):
	case has("ed"):
		s := cut(2)
		out = append(out, s+"e", s)
		if n := len(s); n >= 3 && s[n-1] == s[n-2] && !strings.ContainsRune("aeiouls", rune(s[n-1])) {
			out = append(out, s[:n-1])
		}
	}
	// Nouns in -ation from verbs: cooperation → cooperate, violation →
	// violate (CC-CEDICT renders 合作 as "to cooperate").
	if has("ation") {
		out = append(out, cut(3)+"e")
	}
	// Adjectives in -al from nouns: environmental → environment,
	// regional → region, cultural → culture.
	if has("ial") && len(w) >= 8 {
		out = append(out, cut(3))
	} else if has("al") && len(w) >= 7 {
		out = append(out, cut(2), cut(2)+"e")
	}
	if has("est") && !has("iest") {
		out = append(out, cut(3), cut(2))
	} else if has("iest") {
		out = append(out, cut(4)+"y")
	}
	return out
}
