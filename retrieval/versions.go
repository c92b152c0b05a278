package retrieval

import (
	"regexp"
	"sort"
	"strings"
)

// reQuestionYear finds a year a question names (2016年, 2016版, (2016)).
var reQuestionYear = regexp.MustCompile(`(?:19|20)\d\d`)

// olderVersion is the factor by which the scores of a law's older versions
// are lowered, so that the newest ranks first where they say the same, and
// an older one still wins where only it matches.
const olderVersion = 0.9

// versions finds the documents of st that are versions of one law — the
// same short title, different dates (index.Document.Version: from the file
// name, else the law's header) — and labels each with its year (its date
// when two share a year). Versions are cited with it,
// 〔慈善法(2023) 第十九条〕, and all but the newest are marked older.
func (st *state) versions() {
	n := len(st.snap.Docs)
	st.version = make([]string, n)
	st.older = make([]bool, n)
	groups := map[string][]int{}
	for i, t := range st.titles {
		groups[t] = append(groups[t], i)
	}
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		dates := map[int]string{}
		for _, i := range g {
			if v := st.snap.Docs[i].Version; len(v) >= 4 {
				dates[i] = v
			}
		}
		if len(dates) < 2 {
			continue
		}
		byDate := make([]int, 0, len(dates))
		for i := range dates {
			byDate = append(byDate, i)
		}
		sort.Slice(byDate, func(a, b int) bool { return dates[byDate[a]] < dates[byDate[b]] })
		years := map[string]int{}
		for _, i := range byDate {
			years[dates[i][:4]]++
		}
		for j, i := range byDate {
			label := dates[i][:4]
			if years[label] > 1 {
				label = dates[i]
			}
			st.version[i] = label
			// Copies of one version (same date) are none of them older.
			st.older[i] = dates[i] < dates[byDate[len(byDate)-1]] && j < len(byDate)-1
		}
	}
}

// displayTitle is document i's title as citations show it: with its
// version's year when the library holds several versions of it.
func (st *state) displayTitle(i int) string {
	t := st.snap.Docs[i].Title
	if v := st.version[i]; v != "" {
		t += "(" + v + ")"
	}
	return t
}

// versionFactors returns, per document, the factor its scores get for q:
// the older versions of a law are lowered, unless q names their year,
// which then lowers the others. nil when no document has versions.
func (st *state) versionFactors(q string) []float64 {
	var out []float64
	years := reQuestionYear.FindAllString(q, 8)
	for i, v := range st.version {
		if v == "" {
			continue
		}
		if out == nil {
			out = make([]float64, len(st.version))
			for j := range out {
				out[j] = 1
			}
		}
		named := false
		for _, y := range years {
			named = named || strings.HasPrefix(v, y)
		}
		switch {
		case len(years) > 0 && st.groupNamesYear(i, years):
			if !named {
				out[i] = olderVersion
			}
		case st.older[i]:
			out[i] = olderVersion
		}
	}
	return out
}

// groupNamesYear reports whether one of the versions of document i's law
// is of a year in years.
func (st *state) groupNamesYear(i int, years []string) bool {
	for j, t := range st.titles {
		if t != st.titles[i] || st.version[j] == "" {
			continue
		}
		for _, y := range years {
			if strings.HasPrefix(st.version[j], y) {
				return true
			}
		}
	}
	return false
}
