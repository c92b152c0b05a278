package retrieval

import (
	"fmt"
	"os"
)

// ReadGoldFile reads the JSON-lines gold set in the file at path.
func ReadGoldFile(path string) ([]GoldCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gold set: %w", err)
	}
	defer f.Close()
	cases, err := ReadGold(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cases, nil
}
