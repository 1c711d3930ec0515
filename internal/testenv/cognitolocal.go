package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// cognitoLocalEntry is cognito-local's executable (its package.json "bin"), under e2e/node.
const cognitoLocalEntry = "node_modules/cognito-local/lib/bin/start.js"

// cognitoLocalConfig lets usernames be plain names; cognito-local's default demands emails.
const cognitoLocalConfig = `{"UserPoolDefaults":{"UsernameAttributes":[]}}` + "\n"

// CognitoLocalRegion is the region the emulator's pool ids carry and clients should use.
const CognitoLocalRegion = "us-east-1"

// cognitoLocalStartTimeout bounds how long the emulator may take to answer its health check.
const cognitoLocalStartTimeout = 30 * time.Second

// CognitoLocal is a running cognito-local (https://github.com/jagregory/cognito-local), the
// third-party Cognito emulator from npm, started for one test.
//
// What version 5.3.0 does, as probed by this package's tests with the AWS SDK for Go v2:
// CreateUserPool, CreateUserPoolClient (with ExplicitAuthFlows), AdminCreateUser with
// MessageAction SUPPRESS, AdminSetUserPassword (Permanent) and InitiateAuth USER_PASSWORD_AUTH
// returning access, ID and refresh tokens work; ForgotPassword "sends" a code that shows up in
// Output (see WaitForCode) and ConfirmForgotPassword accepts it. A wrong password is answered
// with InvalidPasswordException rather than Cognito's NotAuthorizedException. USER_SRP_AUTH
// is not supported. See /work/shared/design/cognito-reference.md for the full list.
type CognitoLocal struct {
	// Endpoint is the emulator's base URL, http://127.0.0.1:<port>: the AWS SDK's BaseEndpoint.
	Endpoint string
	// Dir is the emulator's working directory, holding .cognito/config.json.
	Dir string
	// DataDir is where it keeps its state: <pool id>.json per user pool, clients.json.
	DataDir string

	out *testutil.Buffer
}

// StartCognitoLocal runs `node e2e/node/node_modules/cognito-local/lib/bin/start.js` on a free
// port of 127.0.0.1 in a fresh temporary directory, waits until it answers its health check,
// and stops it at the test's cleanup. It skips the test (or fails it in CI, see Missing) when
// node or the npm packages of e2e/node are not installed.
func StartCognitoLocal(t testing.TB) *CognitoLocal {
	t.Helper()
	node := Node(t)
	entry := filepath.Join(NodeDir(t), cognitoLocalEntry)
	if _, err := os.Stat(entry); err != nil {
		testutil.Missing(t, "cognito-local", "npm ci --prefix e2e/node (or: "+InstallHint+")")
	}

	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".cognito"), 0o755); err != nil {
		t.Fatalf("testenv: cognito-local directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".cognito", "config.json"), []byte(cognitoLocalConfig), 0o644); err != nil {
		t.Fatalf("testenv: cognito-local config: %v", err)
	}

	// A port that was free a moment ago can be taken before node binds it: try a few.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		c, err := startCognitoLocal(t, node, entry, dir, FreePort(t))
		if err == nil {
			return c
		}
		lastErr = err
		if !errors.Is(err, errAddressInUse) {
			break
		}
	}
	t.Fatalf("testenv: start cognito-local: %v", lastErr)
	return nil
}

var errAddressInUse = errors.New("address already in use")

func startCognitoLocal(t testing.TB, node, entry, dir string, port int) (*CognitoLocal, error) {
	t.Helper()
	c := &CognitoLocal{
		Endpoint: "http://127.0.0.1:" + strconv.Itoa(port),
		Dir:      dir,
		DataDir:  filepath.Join(dir, ".cognito", "db"),
		out:      &testutil.Buffer{},
	}

	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, entry)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOST=127.0.0.1",
		"PORT="+strconv.Itoa(port),
		"AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE=1",
		"NO_COLOR=1",
	)
	cmd.Stdout = c.out
	cmd.Stderr = c.out
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("run %s %s: %w", node, entry, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		cancel()
		<-exited
	}

	if err := waitHealthy(c.Endpoint+"/health", exited); err != nil {
		stop()
		out := c.Output()
		if strings.Contains(out, "EADDRINUSE") {
			return nil, fmt.Errorf("port %d: %w", port, errAddressInUse)
		}
		return nil, fmt.Errorf("%w\ncognito-local output:\n%s", err, out)
	}
	t.Cleanup(stop)
	return c, nil
}

// waitHealthy polls url until it answers 200, the process exits, or the start timeout passes.
func waitHealthy(url string, exited <-chan error) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.NewTimer(cognitoLocalStartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	var lastErr error
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		lastErr = err
		select {
		case err := <-exited:
			return fmt.Errorf("cognito-local exited before it was ready: %v", err)
		case <-deadline.C:
			return fmt.Errorf("cognito-local not ready after %s: %w", cognitoLocalStartTimeout, lastErr)
		case <-tick.C:
		}
	}
}

// AWSConfig returns an AWS SDK configuration for the emulator: region us-east-1, static dummy
// credentials, no retries (the emulator does not throttle, so a retry only hides a failure).
func (c *CognitoLocal) AWSConfig() aws.Config {
	return aws.Config{
		Region:       CognitoLocalRegion,
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		BaseEndpoint: aws.String(c.Endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// Client returns a Cognito Identity Provider client of the real AWS SDK for Go v2, pointed at
// the emulator.
func (c *CognitoLocal) Client() *cip.Client {
	return cip.NewFromConfig(c.AWSConfig(), func(o *cip.Options) { o.HTTPClient = sdkhttp.InMemoryBodies(nil) })
}

// PoolFile returns the path of the file where the emulator keeps the pool poolID (its users,
// their attributes and any pending confirmation codes).
func (c *CognitoLocal) PoolFile(poolID string) string {
	return filepath.Join(c.DataDir, poolID+".json")
}

// ansiEscape matches the terminal colour sequences of the emulator's log lines.
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// Output returns everything the emulator printed so far (standard output and standard error),
// without terminal colour sequences. Codes it "sends" by email or SMS appear here.
func (c *CognitoLocal) Output() string {
	return ansiEscape.ReplaceAllString(c.out.String(), "")
}

// OutputMark returns a position in Output; pass it to WaitForOutput or WaitForCode to look only
// at what is printed after this moment (for example, only the second of two codes).
func (c *CognitoLocal) OutputMark() int {
	return len(c.Output())
}

// WaitForOutput waits until re matches the emulator's output after mark and returns the first
// match and its submatches. It gives up when ctx is done.
func (c *CognitoLocal) WaitForOutput(ctx context.Context, mark int, re *regexp.Regexp) ([]string, error) {
	for {
		raw, changed := c.out.Snapshot()
		out := ansiEscape.ReplaceAllString(raw, "")
		if mark > len(out) {
			return nil, fmt.Errorf("output mark %d is past the end of the output (%d bytes)", mark, len(out))
		}
		if m := re.FindStringSubmatch(out[mark:]); m != nil {
			return m, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %q in cognito-local output: %w", re, ctx.Err())
		case <-changed:
		}
	}
}

// WaitForCode waits until the emulator "delivers" a confirmation code to username after mark,
// and returns the code. The emulator prints each delivery as a box holding "Username:",
// "Destination:" and "Code:" lines.
func (c *CognitoLocal) WaitForCode(ctx context.Context, mark int, username string) (string, error) {
	re := regexp.MustCompile(`Username:\s+` + regexp.QuoteMeta(username) + `\s[^\n]*\n(?:[^\n]*\n){0,3}?[^\n]*Code:\s+(\S+)`)
	m, err := c.WaitForOutput(ctx, mark, re)
	if err != nil {
		return "", err
	}
	return m[1], nil
}
