package oidc

import (
	"net/http"
)

// discoveryDocument is the OpenID Provider Metadata (OpenID Connect
// Discovery 1.0 §3, RFC 8414, RFC 9207, RP-Initiated Logout 1.0).
type discoveryDocument struct {
	Issuer                                 string   `json:"issuer"`
	AuthorizationEndpoint                  string   `json:"authorization_endpoint"`
	TokenEndpoint                          string   `json:"token_endpoint"`
	UserinfoEndpoint                       string   `json:"userinfo_endpoint"`
	JWKSURI                                string   `json:"jwks_uri"`
	RevocationEndpoint                     string   `json:"revocation_endpoint"`
	IntrospectionEndpoint                  string   `json:"introspection_endpoint"`
	EndSessionEndpoint                     string   `json:"end_session_endpoint"`
	ScopesSupported                        []string `json:"scopes_supported"`
	ResponseTypesSupported                 []string `json:"response_types_supported"`
	ResponseModesSupported                 []string `json:"response_modes_supported"`
	GrantTypesSupported                    []string `json:"grant_types_supported"`
	SubjectTypesSupported                  []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported       []string `json:"id_token_signing_alg_values_supported"`
	TokenEndpointAuthMethodsSupported      []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethodsSupported []string `json:"revocation_endpoint_auth_methods_supported"`
	IntrospectionAuthMethodsSupported      []string `json:"introspection_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported          []string `json:"code_challenge_methods_supported"`
	ClaimsSupported                        []string `json:"claims_supported"`
	ClaimTypesSupported                    []string `json:"claim_types_supported"`
	ClaimsParameterSupported               bool     `json:"claims_parameter_supported"`
	RequestParameterSupported              bool     `json:"request_parameter_supported"`
	RequestURIParameterSupported           bool     `json:"request_uri_parameter_supported"`
	PromptValuesSupported                  []string `json:"prompt_values_supported"`
	UILocalesSupported                     []string `json:"ui_locales_supported,omitempty"`
	AuthorizationResponseIssParameter      bool     `json:"authorization_response_iss_parameter_supported"`
}

// discovery builds the metadata document.
func (p *Provider) discovery() discoveryDocument {
	return discoveryDocument{
		Issuer:                                 p.issuer,
		AuthorizationEndpoint:                  p.EndpointURL(PathAuthorize),
		TokenEndpoint:                          p.EndpointURL(PathToken),
		UserinfoEndpoint:                       p.EndpointURL(PathUserInfo),
		JWKSURI:                                p.EndpointURL(PathJWKS),
		RevocationEndpoint:                     p.EndpointURL(PathRevoke),
		IntrospectionEndpoint:                  p.EndpointURL(PathIntrospect),
		EndSessionEndpoint:                     p.EndpointURL(PathEndSession),
		ScopesSupported:                        supportedScopes(p.cfg.ClaimMappings),
		ResponseTypesSupported:                 []string{"code"},
		ResponseModesSupported:                 []string{"query"},
		GrantTypesSupported:                    []string{"authorization_code", "refresh_token"},
		SubjectTypesSupported:                  []string{"public"},
		IDTokenSigningAlgValuesSupported:       p.keys.algorithms(),
		TokenEndpointAuthMethodsSupported:      []string{authBasic, authPost, authNone},
		RevocationEndpointAuthMethodsSupported: []string{authBasic, authPost, authNone},
		IntrospectionAuthMethodsSupported:      []string{authBasic, authPost},
		CodeChallengeMethodsSupported:          []string{"S256"},
		ClaimsSupported:                        p.supportedClaims(),
		ClaimTypesSupported:                    []string{"normal"},
		ClaimsParameterSupported:               true,
		RequestParameterSupported:              false,
		RequestURIParameterSupported:           false,
		PromptValuesSupported:                  []string{"none", "login", "consent", "select_account"},
		UILocalesSupported:                     p.cfg.UILocales,
		AuthorizationResponseIssParameter:      true,
	}
}

// Discovery serves /.well-known/openid-configuration.
func (p *Provider) Discovery(w http.ResponseWriter, r *http.Request) {
	if p.cors(w, r, true, "GET") {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, p.discovery())
}

// JWKS serves the public signing keys.
func (p *Provider) JWKS(w http.ResponseWriter, r *http.Request) {
	if p.cors(w, r, true, "GET") {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(p.keys.jwks)
}
