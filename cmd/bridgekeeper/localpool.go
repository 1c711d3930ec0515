package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"gopkg.in/yaml.v3"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// poolSeed is the YAML seed file of `bridgekeeper localpool`: the pools to create, each with its
// app clients and users. Everything is created through the Cognito API, as an administrator
// would against a real pool, so the local pool checks the seed as Cognito would.
type poolSeed struct {
	Pools []seedPool `yaml:"pools"`
}

type seedPool struct {
	Name string `yaml:"name"`
	// MFA is the pool's MfaConfiguration: OFF (default), OPTIONAL or ON (software tokens).
	MFA string `yaml:"mfa"`
	// AliasAttributes lets people sign in with, for example, their email address.
	AliasAttributes []string     `yaml:"alias_attributes"`
	Clients         []seedClient `yaml:"clients"`
	Users           []seedUser   `yaml:"users"`
}

type seedClient struct {
	Name           string `yaml:"name"`
	GenerateSecret bool   `yaml:"generate_secret"`
	// AuthFlows are ExplicitAuthFlows (default ALLOW_USER_SRP_AUTH and ALLOW_REFRESH_TOKEN_AUTH).
	AuthFlows []string `yaml:"auth_flows"`
}

type seedUser struct {
	Username string `yaml:"username"`
	// Password is the user's permanent password.
	Password   string            `yaml:"password"`
	Attributes map[string]string `yaml:"attributes"`
}

// localPoolInfo is what `bridgekeeper localpool` prints: where it listens and what it created.
type localPoolInfo struct {
	Endpoint string          `json:"endpoint"`
	Region   string          `json:"region"`
	Pools    []localPoolDesc `json:"pools"`
}

type localPoolDesc struct {
	Name    string            `json:"name"`
	ID      string            `json:"id"`
	Issuer  string            `json:"issuer"`
	Clients []localClientDesc `json:"clients"`
}

type localClientDesc struct {
	Name   string `json:"name"`
	ID     string `json:"id"`
	Secret string `json:"secret,omitempty"`
}

// localPoolRegion is the region the local pool's ids and issuers name.
const localPoolRegion = "us-east-1"

// runLocalPool runs the local user pool on its own: a stricter stand-in for cognito-local that
// Bridgekeeper (or anything speaking Cognito's JSON protocol through an AWS SDK) can use.
func runLocalPool(ctx context.Context, args []string, stdout, stderr io.Writer, _ func(string) string) error {
	fs := flag.NewFlagSet("localpool", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:9229", "address to listen on")
	seedPath := fs.String("seed", "", "YAML file of pools, app clients and users to create at start")
	asJSON := fs.Bool("json", false, "print the endpoint, pool ids and client ids as one JSON object")
	logLevel := fs.String("log-level", "warn", "log level: debug, info, warn or error")
	withFaults := fs.Bool("faults", false, "serve the test-only fault switchboard at "+localpool.FaultsPath+" (injected latency, throttling, 5xx, connection resets); never in production")
	statePath := fs.String("state", "", "JSON file to keep the pools, clients and users in: loaded at start if it exists (then --seed is not applied), written on every change and at shutdown")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("localpool: unexpected argument %q", fs.Arg(0))
	}
	var seed poolSeed
	if *seedPath != "" {
		var err error
		if seed, err = readPoolSeed(*seedPath); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	endpoint := "http://" + ln.Addr().String()
	log := newLogger(stderr, *logLevel, "text")
	opts := localpool.Options{Logger: log, Region: localPoolRegion, BaseURL: endpoint, Faults: *withFaults}
	var state *poolStateFile
	if *statePath != "" {
		state = newPoolStateFile(*statePath, log)
		opts.OnChange = state.changed
	}
	pool := localpool.New(opts)
	loaded := false
	if state != nil {
		state.pool = pool
		if loaded, err = state.load(); err != nil {
			_ = ln.Close()
			return err
		}
		state.start()
	}
	srv := &http.Server{Handler: pool.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	stop := func() error {
		_ = srv.Shutdown(context.WithoutCancel(ctx))
		if state != nil {
			return state.stop()
		}
		return nil
	}

	info := localPoolInfo{Endpoint: endpoint, Region: localPoolRegion, Pools: []localPoolDesc{}}
	if loaded {
		for _, p := range pool.Pools() {
			desc := localPoolDesc{Name: p.Name, ID: p.ID, Issuer: poolIssuer(endpoint, p.ID), Clients: []localClientDesc{}}
			for _, c := range p.Clients {
				desc.Clients = append(desc.Clients, localClientDesc{Name: c.Name, ID: c.ID, Secret: c.Secret})
			}
			info.Pools = append(info.Pools, desc)
		}
	} else if info, err = seedLocalPool(ctx, endpoint, seed); err != nil {
		return errors.Join(err, stop())
	}
	printLocalPool(stdout, info, *asJSON)
	select {
	case <-ctx.Done():
		return stop()
	case err := <-served:
		return errors.Join(fmt.Errorf("local pool: %w", err), stop())
	}
}

// poolIssuer is the issuer of a local pool's tokens.
func poolIssuer(endpoint, poolID string) string { return endpoint + "/" + poolID }

// readPoolSeed reads and checks a seed file, naming problems by their YAML path.
func readPoolSeed(path string) (poolSeed, error) {
	var seed poolSeed
	raw, err := os.ReadFile(path)
	if err != nil {
		return seed, fmt.Errorf("seed: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&seed); err != nil && !errors.Is(err, io.EOF) {
		return seed, fmt.Errorf("seed %s: %w", path, err)
	}
	var errs []error
	for i, p := range seed.Pools {
		if p.Name == "" {
			errs = append(errs, fmt.Errorf("pools[%d].name: required", i))
		}
		switch p.MFA {
		case "", "OFF", "OPTIONAL", "ON":
		default:
			errs = append(errs, fmt.Errorf("pools[%d].mfa: %q is not OFF, OPTIONAL or ON", i, p.MFA))
		}
		for j, c := range p.Clients {
			if c.Name == "" {
				errs = append(errs, fmt.Errorf("pools[%d].clients[%d].name: required", i, j))
			}
		}
		for j, u := range p.Users {
			if u.Username == "" || u.Password == "" {
				errs = append(errs, fmt.Errorf("pools[%d].users[%d]: username and password are required", i, j))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return seed, fmt.Errorf("seed %s:\n%w", path, err)
	}
	return seed, nil
}

// seedLocalPool creates the seed's pools, clients and users through the Cognito API at endpoint.
func seedLocalPool(ctx context.Context, endpoint string, seed poolSeed) (localPoolInfo, error) {
	info := localPoolInfo{Endpoint: endpoint, Region: localPoolRegion, Pools: []localPoolDesc{}}
	creds := credentials.NewStaticCredentialsProvider("local", "local", "")
	api, err := cognito.NewAPI(ctx, cognito.Config{Region: localPoolRegion, Endpoint: endpoint, StaticCredentials: &creds})
	if err != nil {
		return info, err
	}
	for _, sp := range seed.Pools {
		desc, err := seedOnePool(ctx, api, sp)
		if err != nil {
			return info, fmt.Errorf("seed pool %s: %w", sp.Name, err)
		}
		desc.Issuer = poolIssuer(endpoint, desc.ID)
		info.Pools = append(info.Pools, desc)
	}
	return info, nil
}

func seedOnePool(ctx context.Context, api *cip.Client, sp seedPool) (localPoolDesc, error) {
	in := &cip.CreateUserPoolInput{PoolName: aws.String(sp.Name)}
	for _, a := range sp.AliasAttributes {
		in.AliasAttributes = append(in.AliasAttributes, types.AliasAttributeType(a))
	}
	created, err := api.CreateUserPool(ctx, in)
	if err != nil {
		return localPoolDesc{}, fmt.Errorf("create pool: %w", err)
	}
	id := aws.ToString(created.UserPool.Id)
	desc := localPoolDesc{Name: sp.Name, ID: id, Clients: []localClientDesc{}}
	if sp.MFA != "" && sp.MFA != "OFF" {
		if _, err := api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId:                    aws.String(id),
			MfaConfiguration:              types.UserPoolMfaType(sp.MFA),
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
		}); err != nil {
			return desc, fmt.Errorf("configure MFA: %w", err)
		}
	}
	for _, sc := range sp.Clients {
		flows := sc.AuthFlows
		if len(flows) == 0 {
			flows = []string{string(types.ExplicitAuthFlowsTypeAllowUserSrpAuth), string(types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth)}
		}
		cin := &cip.CreateUserPoolClientInput{UserPoolId: aws.String(id), ClientName: aws.String(sc.Name), GenerateSecret: sc.GenerateSecret}
		for _, f := range flows {
			cin.ExplicitAuthFlows = append(cin.ExplicitAuthFlows, types.ExplicitAuthFlowsType(f))
		}
		c, err := api.CreateUserPoolClient(ctx, cin)
		if err != nil {
			return desc, fmt.Errorf("create client %s: %w", sc.Name, err)
		}
		desc.Clients = append(desc.Clients, localClientDesc{
			Name: sc.Name, ID: aws.ToString(c.UserPoolClient.ClientId), Secret: aws.ToString(c.UserPoolClient.ClientSecret),
		})
	}
	for _, su := range sp.Users {
		var attrs []types.AttributeType
		for k, v := range su.Attributes {
			attrs = append(attrs, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
		}
		if _, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(id), Username: aws.String(su.Username), TemporaryPassword: aws.String(su.Password),
			MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs,
		}); err != nil {
			return desc, fmt.Errorf("create user %s: %w", su.Username, err)
		}
		if _, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: aws.String(id), Username: aws.String(su.Username), Password: aws.String(su.Password), Permanent: true,
		}); err != nil {
			return desc, fmt.Errorf("set %s's password: %w", su.Username, err)
		}
	}
	return desc, nil
}

// printLocalPool prints where the pool listens and the ids a configuration needs.
func printLocalPool(w io.Writer, info localPoolInfo, asJSON bool) {
	if asJSON {
		_ = json.NewEncoder(w).Encode(info) // stdout went away: nothing to tell
		return
	}
	fmt.Fprintf(w, "Local user pool (Cognito's JSON protocol) on %s, region %s\n", info.Endpoint, info.Region)
	for _, p := range info.Pools {
		fmt.Fprintf(w, "pool %s: id %s, issuer %s\n", p.Name, p.ID, p.Issuer)
		for _, c := range p.Clients {
			if c.Secret != "" {
				fmt.Fprintf(w, "  client %s: id %s, secret %s\n", c.Name, c.ID, c.Secret)
			} else {
				fmt.Fprintf(w, "  client %s: id %s\n", c.Name, c.ID)
			}
		}
	}
}
