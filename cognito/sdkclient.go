package cognito

import (
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// maxIdleConnsPerHost is how many idle connections to Cognito the SDK client keeps: as many as
// sign-ins can be answered at once. The SDK's default of 10 closes every further connection
// after its call, so with more people signing in at once most calls paid for a new TCP and TLS
// connection (measured with `make bench-compare`, docs/benchmarks.md).
const maxIdleConnsPerHost = 256

// leanSDKClient is the SDK client's configuration beyond its defaults, for speed only: it keeps
// the SDK's own HTTP client (and with it a CA bundle from the environment) and changes nothing
// about what a call sends or how it is retried.
func leanSDKClient(o *cip.Options) {
	if bc, ok := o.HTTPClient.(*awshttp.BuildableClient); ok {
		o.HTTPClient = bc.WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConnsPerHost = maxIdleConnsPerHost
			tr.MaxIdleConns = max(tr.MaxIdleConns, maxIdleConnsPerHost)
		})
	}
}
