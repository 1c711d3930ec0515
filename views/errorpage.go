package views

import "net/http"

// errorTitle is the model's title, or a title for its status code.
func errorTitle(p Page, m ErrorPage) string {
	if m.Title != "" {
		return m.Title
	}
	switch m.Status {
	case http.StatusBadRequest:
		return p.T("errorpage.title.400")
	case http.StatusForbidden:
		return p.T("errorpage.title.403")
	case http.StatusNotFound:
		return p.T("errorpage.title.404")
	case http.StatusMethodNotAllowed:
		return p.T("errorpage.title.405")
	case http.StatusRequestEntityTooLarge:
		return p.T("errorpage.title.413")
	case http.StatusTooManyRequests:
		return p.T("errorpage.title.429")
	case http.StatusServiceUnavailable:
		return p.T("errorpage.title.503")
	default:
		return p.T("errorpage.title")
	}
}

// errorMessage is the model's message, or a generic one.
func errorMessage(p Page, m ErrorPage) string {
	if m.Message != "" {
		return m.Message
	}
	switch m.Status {
	case http.StatusBadRequest:
		return p.T("error.BadRequest")
	case http.StatusNotFound:
		return p.T("error.NotFound")
	case http.StatusTooManyRequests:
		return p.T("error.TooManyRequests")
	default:
		return p.T("error.Internal")
	}
}
