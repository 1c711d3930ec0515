package views

// deliveryIntro says where a code was sent, if known.
func deliveryIntro(p Page, destination string) string {
	if destination == "" {
		return p.T("delivery.intro_nodest")
	}
	return p.T("delivery.intro", map[string]any{"Destination": destination})
}

// customQuestion is the label of a custom challenge's answer field.
func customQuestion(p Page, question string) string {
	if question == "" {
		return p.T("custom.answer.label")
	}
	return question
}
