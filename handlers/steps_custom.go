package handlers

import (
	"strings"

	"github.com/a-h/templ"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// customChallengePage is StepCustomChallenge: the pool's question (and hint), answered in the
// field "answer". The answer is never kept for redisplay.
func customChallengePage() stepPage {
	return stepPage{
		parse: func(p views.Page, _ cognito.State, form func(string) string) (cognito.Answer, stepForm, views.FieldErrors) {
			answer := form(views.FieldAnswer)
			switch {
			case strings.TrimSpace(answer) == "":
				return nil, nil, views.FieldErrors{views.FieldAnswer: p.T("validation.answer.required")}
			case len(answer) > cognito.MaxAnswer:
				return nil, nil, views.FieldErrors{views.FieldAnswer: p.T("validation.too_long", map[string]any{"Max": cognito.MaxAnswer})}
			}
			return cognito.Answer{cognito.AnswerText: answer}, nil, nil
		},
		view: func(h *Handlers, p views.Page, st cognito.State, v stepInput) templ.Component {
			d := cognito.DataOf[cognito.CustomData](st)
			m := views.CustomChallenge{Action: PathStep, Question: d.Question, Hint: d.Hint, Error: v.err, FieldErrors: v.errs, StartOverURL: PathRestart}
			if way, _ := h.resendOf(st); way == resendRestart {
				// Without a password the questions may carry a code: asking again starts afresh.
				m.ResendAction = PathSignInResend
			}
			if m.Error == "" && len(m.FieldErrors) == 0 && d.Retry {
				m.FieldErrors = views.FieldErrors{views.FieldAnswer: p.T("custom.retry")}
			}
			return views.CustomChallengePage(p, m)
		},
		messages: []string{"validation.answer.required", "validation.too_long", "custom.retry"},
	}
}
