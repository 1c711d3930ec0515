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

// nonTextContrastJS finds controls (inputs, selects, buttons, button-styled links) whose fill
// does not set them apart from what is around them (under 3:1) and whose boundary (a ring drawn
// as a box-shadow, or a border) is under 3:1 against it either: WCAG 1.4.11 for the boundaries
// axe-core does not check. Controls drawn only as text are left to axe's text contrast. It
// returns each as {target, ratio}.
const nonTextContrastJS = `(() => {
	const lum = (c) => {
		const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
		return 0.2126 * r + 0.7152 * g + 0.0722 * b;
	};
	const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
	const parse = (s) => {
		const m = /rgba?\(([\d.]+),?\s*([\d.]+),?\s*([\d.]+)(?:\s*[,/]\s*([\d.]+))?\)/.exec(s || "");
		return m ? { c: [+m[1], +m[2], +m[3]], a: m[4] === undefined ? 1 : +m[4] } : null;
	};
	const fill = (el) => {
		for (; el; el = el.parentElement) {
			const c = parse(getComputedStyle(el).backgroundColor);
			if (c && c.a > 0) return c.c;
		}
		return [255, 255, 255];
	};
	const boundary = (el) => {
		const cs = getComputedStyle(el);
		for (const part of cs.boxShadow.split(/,(?![^(]*\))/)) {
			const c = parse(part);
			const n = part.replace(/rgba?\([^)]*\)/, "").trim().split(/\s+/).map(parseFloat);
			if (c && c.a > 0 && n.length >= 4 && n[0] === 0 && n[1] === 0 && n[3] > 0) return c.c;
		}
		const c = parse(cs.borderTopColor);
		if (parseFloat(cs.borderTopWidth) > 0 && cs.borderTopStyle !== "none" && c && c.a > 0) return c.c;
		return null;
	};
	const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(el.getAttribute("name") ? "[name=" + el.getAttribute("name") + "]" : "") +
		(el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).slice(0, 3).join(".") : "");
	const out = [];
	const controls = document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea, button, a[class*="btn"]');
	for (const el of controls) {
		if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
		const around = fill(el.parentElement);
		if (ratio(fill(el), around) >= 3) continue;
		const b = boundary(el);
		if (b === null) continue;
		const r = ratio(b, around);
		if (r < 3) out.push({ target: name(el), ratio: Math.round(r * 100) / 100 });
	}
	return out;
})()`

// NonTextContrast checks the page's control boundaries (WCAG 1.4.11, which axe-core does not
// test) and returns each control under 3:1 as a violation "non-text-contrast".
func NonTextContrast() chromedp.Action[[]AxeViolation] {
	return func(ctx context.Context, t *chromedp.Target) ([]AxeViolation, error) {
		type weak struct {
			Target string  `json:"target"`
			Ratio  float64 `json:"ratio"`
		}
		found, err := chromedp.Evaluate[[]weak](nonTextContrastJS)(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("non-text contrast: %w", err)
		}
		if len(found) == 0 {
			return nil, nil
		}
		v := AxeViolation{ID: "non-text-contrast", Impact: "serious", Help: "Control boundaries must have a 3:1 contrast ratio (WCAG 1.4.11)"}
		for _, w := range found {
			v.Targets = append(v.Targets, fmt.Sprintf("%s (%.2f:1)", w.Target, w.Ratio))
		}
		return []AxeViolation{v}, nil
	}
}
