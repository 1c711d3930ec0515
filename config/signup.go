package config

// SignUp configures self-service sign-up.
type SignUp struct {
	// Enabled shows "Create an account" on the sign-in page and serves the sign-up and
	// confirmation pages (default false). The pool's required attributes and password policy
	// are read at start-up with DescribeUserPool (which needs cognito-idp:DescribeUserPool),
	// and the pool must allow self-service sign-up; the confirmation code goes where its
	// auto-verified attributes say.
	Enabled bool `yaml:"enabled"`
}
