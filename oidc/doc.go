// Package oidc is Bridgekeeper's OpenID Connect provider.
package oidc
