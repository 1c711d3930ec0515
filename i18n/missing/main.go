// Command missing lists, for each message catalog, the English message ids it lacks and the ids
// English does not have (make i18n-missing). It exits 0; the catalog tests decide what fails.
package main

import (
	"fmt"
	"os"

	"github.com/bridgekeeper/bridgekeeper/i18n"
)

func main() {
	cov, err := i18n.CatalogCoverage()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, c := range cov {
		fmt.Printf("%s: %d of %d ids, %d missing, %d extra\n", c.Lang, c.Total-len(c.Missing), c.Total, len(c.Missing), len(c.Extra))
		for _, id := range c.Missing {
			fmt.Printf("  missing %s\n", id)
		}
		for _, id := range c.Extra {
			fmt.Printf("  extra   %s\n", id)
		}
	}
}
