package handlers

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/i18n"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// TestEveryStepKindHasAPage fails when the engine can show a step kind no page is registered
// for, or a page is registered for a kind the engine never shows.
func TestEveryStepKindHasAPage(t *testing.T) {
	pages := stepPages()
	kinds := cognito.StepKinds()
	for _, k := range kinds {
		sp, ok := pages[k]
		switch {
		case !ok:
			t.Errorf("step kind %q has no page: add a stepPage (steps_*.go) to stepPages", k)
		case sp.parse == nil || sp.view == nil:
			t.Errorf("step kind %q: its page needs parse and view", k)
		}
	}
	for k := range pages {
		if !slices.Contains(kinds, k) {
			t.Errorf("a page is registered for %q, which the engine never shows", k)
		}
	}
}

// catalogIDs reads the English catalog's message ids, and the first segments they use.
func catalogIDs(t *testing.T) (ids, prefixes map[string]bool) {
	t.Helper()
	raw, err := os.ReadFile("../i18n/locales/active.en.toml")
	if err != nil {
		t.Fatal(err)
	}
	ids, prefixes = map[string]bool{}, map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^"([^"]+)"\s*=`).FindAllStringSubmatch(string(raw), -1) {
		ids[m[1]] = true
		prefixes[strings.SplitN(m[1], ".", 2)[0]] = true
	}
	if len(ids) < 100 {
		t.Fatalf("read only %d message ids from the catalog", len(ids))
	}
	return ids, prefixes
}

// idLike matches text shaped like a message id ("code.sms.title").
var idLike = regexp.MustCompile(`\b[a-z]+(\.[A-Za-z0-9_]+)+\b`)

// TestStepPageMessagesExist fails when a page uses a message id the English catalog lacks: the
// ids each entry lists, and whatever its view shows for the kind's worst-case state.
func TestStepPageMessagesExist(t *testing.T) {
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	en := bundle.Localizer("en")
	ids, prefixes := catalogIDs(t)
	h := &Handlers{d: Deps{PasswordPolicy: DefaultPasswordPolicy(), TOTPIssuer: "Bridgekeeper"}, steps: stepPages()}
	p := views.Page{L: en}
	for _, st := range cognito.WorstCaseStates() {
		sp, ok := h.steps[st.Kind]
		if !ok {
			continue // TestEveryStepKindHasAPage reports it
		}
		for _, id := range sp.messages {
			if !ids[id] {
				t.Errorf("step %q uses message %q, which the English catalog lacks", st.Kind, id)
			}
		}
		// Every field of the form answered wrongly: the page shows each field's error.
		_, form, errs := sp.parse(p, st, func(string) string { return "" })
		var buf bytes.Buffer
		if err := sp.view(h, p, st, stepInput{form: form, errs: errs, err: "Something went wrong."}).Render(context.Background(), &buf); err != nil {
			t.Fatalf("step %q: render: %v", st.Kind, err)
		}
		// T shows a missing id as the id itself, in the page's text or an attribute's value.
		text := regexp.MustCompile(`<(link|script)[^>]*>`).ReplaceAllString(buf.String(), "")
		for _, m := range idLike.FindAllString(text, -1) {
			if prefixes[strings.SplitN(m, ".", 2)[0]] && !ids[m] {
				t.Errorf("step %q shows %q: a message id the English catalog lacks", st.Kind, m)
			}
		}
	}
}
