package index

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
)

var (
	// reNameDate is a date closing a file name: 慈善法(2023-12-29), as the
	// cn-laws corpus names the versions of a law.
	reNameDate = regexp.MustCompile(`[(（]([0-9]{4})[-.]([0-9]{1,2})[-.]([0-9]{1,2})[)）]$`)
	// reTextDate is a date written out in Chinese: 2023年12月29日.
	reTextDate = regexp.MustCompile(`([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日`)
)

// documentVersion is the date that tells versions of one law apart, as
// YYYY-MM-DD: the date closing the file name (慈善法(2023-12-29)), else the
// latest date in the metadata header (the dates it was passed and amended:
// "2023年12月29日 …修正"), else "".
func documentVersion(id, header string) string {
	if m := reNameDate.FindStringSubmatch(path.Base(id)); m != nil {
		if v, ok := isoDate(m[1], m[2], m[3]); ok {
			return v
		}
	}
	latest := ""
	for _, m := range reTextDate.FindAllStringSubmatch(header, -1) {
		if v, ok := isoDate(m[1], m[2], m[3]); ok && v > latest {
			latest = v
		}
	}
	return latest
}

// isoDate formats a plausible calendar date as YYYY-MM-DD.
func isoDate(y, m, d string) (string, bool) {
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(m)
	day, _ := strconv.Atoi(d)
	if year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 {
		return "", false
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, month, day), true
}
