package oidc

// displayName is how pages name the client: its Name, or its id when it has none.
func (c Client) displayName() string {
	if c.Name == "" {
		return c.ID
	}
	return c.Name
}

// ClientNames names the clients of a configuration as Provider.ClientName does, for pages built
// before the provider: the sign-in page that /authorize answers with (handlers.Entry) says which
// app asked.
func ClientNames(clients []Client) func(clientID string) (string, bool) {
	names := make(map[string]string, len(clients))
	for _, c := range clients {
		names[c.ID] = c.displayName()
	}
	return func(clientID string) (string, bool) {
		name, ok := names[clientID]
		return name, ok
	}
}
