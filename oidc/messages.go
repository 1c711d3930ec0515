package oidc

// MessageID names a sentence the provider shows to a person on an error page. The values are
// message ids of Bridgekeeper's catalog (i18n/locales/active.en.toml), so a RenderError hook
// looks them up in the person's language; English gives each one's English text.
type MessageID string

// The titles and messages of the provider's error pages.
const (
	MsgSignInRequestTitle    MessageID = "oidc.signin_request.title"
	MsgUnknownAppTitle       MessageID = "oidc.unknown_app.title"
	MsgSignOutRequestTitle   MessageID = "oidc.signout_request.title"
	MsgSignOutFailedTitle    MessageID = "oidc.signout_failed.title"
	MsgMethodNotAllowedTitle MessageID = "errorpage.title.405"
	MsgSignInUnreadable      MessageID = "oidc.signin_unreadable"
	MsgNoClientID            MessageID = "oidc.no_client_id"
	MsgUnknownSignInApp      MessageID = "oidc.unknown_signin_app"
	MsgNoRedirectURI         MessageID = "oidc.no_redirect_uri"
	MsgUnregisteredReturn    MessageID = "oidc.unregistered_return"
	MsgSignOutUnreadable     MessageID = "oidc.signout_unreadable"
	MsgSignOutUnverified     MessageID = "oidc.signout_unverified"
	MsgUnknownSignOutApp     MessageID = "oidc.unknown_signout_app"
	MsgSignOutTwoApps        MessageID = "oidc.signout_two_apps"
	MsgUnavailable           MessageID = "error.Unavailable"
	MsgMethodNotAllowed      MessageID = "error.MethodNotAllowed"
)

// pageText is one entry of the provider's page texts.
type pageText struct {
	id      MessageID
	english string
}

// pageTexts is the one table of the provider's page texts with their English (the English
// catalog has the same text for each id: a test checks it).
func pageTexts() []pageText {
	return []pageText{
		{MsgSignInRequestTitle, "Invalid sign-in request"},
		{MsgUnknownAppTitle, "Unknown app"},
		{MsgSignOutRequestTitle, "Invalid sign-out request"},
		{MsgSignOutFailedTitle, "Sign-out failed"},
		{MsgMethodNotAllowedTitle, "That action isn't allowed here"},
		{MsgSignInUnreadable, "The app's sign-in request could not be read."},
		{MsgNoClientID, "The sign-in request does not say which app it comes from."},
		{MsgUnknownSignInApp, "The app asking you to sign in is not registered here."},
		{MsgNoRedirectURI, "The sign-in request does not say where to return you to."},
		{MsgUnregisteredReturn, "The app asked to return you to an address that is not registered for it."},
		{MsgSignOutUnreadable, "The app's sign-out request could not be read."},
		{MsgSignOutUnverified, "The app's sign-out request could not be verified."},
		{MsgUnknownSignOutApp, "The app asking you to sign out is not registered here."},
		{MsgSignOutTwoApps, "The sign-out request names two different apps."},
		{MsgUnavailable, "We can't reach the sign-in service right now. Please wait a moment and try again."},
		{MsgMethodNotAllowed, "That action isn't allowed here."},
	}
}

// English is the English text of id, for renderers without a catalog such as the default
// plain-text page; the id itself when the table lacks it.
func (id MessageID) English() string {
	for _, t := range pageTexts() {
		if t.id == id {
			return t.english
		}
	}
	return string(id)
}

// ErrorPage is an error the provider shows to the person instead of answering an app, because
// the answer cannot go back to the app safely (an unknown app, an unregistered return address,
// an unreadable request) or the sign-out failed.
type ErrorPage struct {
	// Status is the HTTP status of the page.
	Status int
	// Title is the page's heading and Message the sentence under it.
	Title, Message MessageID
	// UILocales are the ui_locales of the request, most preferred first, when it could be read.
	UILocales []string
}

func (e *ErrorPage) Error() string { return string(e.Title) + ": " + string(e.Message) }
