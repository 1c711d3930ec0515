package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// AxeTags are the axe-core rule tags the accessibility tests run: WCAG 2.0, 2.1 and 2.2 at
// levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeScript is where npm ci (root package.json) puts axe-core's browser build.
const axeScript = "node_modules/axe-core/axe.min.js"

// AxeSource returns axe-core's browser build from the repository's node_modules, to inject into
// pages with [InjectAxe]. The test stops (fails in CI) when axe-core is not installed.
func AxeSource(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(RepoRoot(t), axeScript))
	if err != nil {
		testutil.Missing(t, "axe-core ("+axeScript+")", "npm ci (or: "+InstallHint+")")
	}
	return string(b)
}

// AxeViolation is one rule a page breaks, with the elements that break it.
type AxeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	Targets []string
}

func (v AxeViolation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// InjectAxe evaluates axe-core's source in the current document with Runtime.evaluate (DevTools
// evaluation is not subject to the page's CSP, so the page keeps its strict policy and needs no
// script tag). It must be called again after each navigation.
func InjectAxe(source string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](source + "\n;undefined")
}

// RunAxe runs axe-core (injected with [InjectAxe]) over the whole document with [AxeTags] and
// returns the violations.
func RunAxe() chromedp.Action[[]AxeViolation] {
	tags := `["` + strings.Join(AxeTags, `","`) + `"]`
	return func(ctx context.Context, t *chromedp.Target) ([]AxeViolation, error) {
		type node struct {
			Target []any `json:"target"`
		}
		type violation struct {
			AxeViolation
			Nodes []node `json:"nodes"`
		}
		raw, err := chromedp.Evaluate[[]violation](`axe.run(document, {runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations"]})
			.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({target: n.target}))})))`,
			chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("axe.run: %w", err)
		}
		out := make([]AxeViolation, 0, len(raw))
		for _, v := range raw {
			for _, n := range v.Nodes {
				v.Targets = append(v.Targets, fmt.Sprint(n.Target...))
			}
			out = append(out, v.AxeViolation)
		}
		return out, nil
	}
}
