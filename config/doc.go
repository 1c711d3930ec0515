// Package config loads and checks Bridgekeeper's configuration: one YAML
// file, with values taken from the environment where the file says so, and a
// few environment variables that override settings outright (for secrets).
//
// # The file
//
// Keys are snake_case and unknown keys are errors. Durations are Go duration
// strings ("15s", "2m", "12h"). See example.yaml in this folder for every
// setting with its default.
//
// # Environment
//
// Any value may use ${NAME} (the variable must be set and not empty) or
// ${NAME:-default}; write $${ for a literal "${". Expansion happens inside
// values only, after the YAML is parsed, so a value from the environment can
// never change the file's structure. An unquoted value that is only an
// expansion takes the type of its result (`secure: ${COOKIE_SECURE}`).
//
// These variables, when set and not empty, replace a setting (after
// expansion):
//
//	BRIDGEKEEPER_LISTEN              listen
//	BRIDGEKEEPER_PUBLIC_URL          public_url
//	BRIDGEKEEPER_LOG_LEVEL           log.level
//	BRIDGEKEEPER_LOG_FORMAT          log.format
//	BRIDGEKEEPER_POOL_CLIENT_SECRET  pool.client_secret
//	BRIDGEKEEPER_COOKIE_KEYS         cookies.keys (comma-separated, newest first)
//	BRIDGEKEEPER_STORE_URL           store.url
//
// EnvOverrides returns the same list for programs that print help.
//
// # Checking
//
// Load reports what prevents reading the file (bad YAML, unknown keys,
// values of the wrong type, unset variables); Validate reports every value
// that is wrong, each as a Problem naming the setting's YAML path:
// "pool.user_pool_id is required".
package config
