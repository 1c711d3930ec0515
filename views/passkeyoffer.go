package views

// PasskeyOffer is the page between a password sign-in and the app that asked for it, offering to
// add a passkey. Its add form posts FieldCredential (passkey.js, with the creation options from
// OptionsURL) and its "Not now" form posts FieldPasskeyOffer = PasskeyOfferNotNow, both to Action.
type PasskeyOffer struct {
	Action, OptionsURL string
	// Error says the passkey could not be added (the person may try again or go on without).
	Error string
}

// FieldPasskeyOffer is the offer page's button that goes on without a passkey.
const FieldPasskeyOffer = "passkey_offer"

// PasskeyOfferNotNow is FieldPasskeyOffer's value: not now, and not again in this browser.
const PasskeyOfferNotNow = "not_now"
