package cognito

import (
	"bytes"
	"context"
	"io"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/bridgekeeper/bridgekeeper/internal/awsjson"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
)

// operationDeserializer is the ID of the step that turns an operation's answer into its
// output, in every generated operation's middleware stack.
const operationDeserializer = "OperationDeserializer"

// typedAuthAnswers decodes the successful answers of the sign-in calls (InitiateAuth,
// RespondToAuthChallenge) straight into their outputs. The generated deserializer decodes them
// into a generic map first and then walks it (a sixth of a password sign-in's allocated bytes).
// It keeps the generated deserializer for everything else: error answers (so error types, codes
// and messages are the SDK's own) and any answer the typed decoder does not take, which it
// replays to the generated one byte for byte. Installed in every client's APIOptions.
func typedAuthAnswers(stack *middleware.Stack) error {
	var decode func([]byte) (any, bool)
	switch stack.ID() {
	case "InitiateAuth":
		decode = decodeInitiateAuth
	case "RespondToAuthChallenge":
		decode = decodeRespondToAuthChallenge
	default:
		return nil
	}
	generated, ok := stack.Deserialize.Get(operationDeserializer)
	if !ok {
		return nil
	}
	_, err := stack.Deserialize.Swap(operationDeserializer, &typedAnswer{generated: generated, decode: decode})
	return err
}

// typedAnswer is the deserialize middleware typedAuthAnswers puts in the generated one's place.
type typedAnswer struct {
	generated middleware.DeserializeMiddleware
	decode    func([]byte) (any, bool)
}

func (*typedAnswer) ID() string { return operationDeserializer }

func (m *typedAnswer) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if err != nil {
		return out, md, err
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return m.generated.HandleDeserialize(ctx, in, answered{out, md})
	}
	body, readErr := sdkhttp.ReadAll(resp.Body, resp.ContentLength)
	if readErr == nil {
		if res, ok := m.decode(body); ok {
			out.Result = res
			return out, md, nil
		}
	}
	resp.Body = replayed{Reader: replay(body, readErr), Closer: resp.Body}
	return m.generated.HandleDeserialize(ctx, in, answered{out, md})
}

// answered is the rest of the stack once the answer is in: the generated deserializer gets
// what the transport returned.
type answered struct {
	out middleware.DeserializeOutput
	md  middleware.Metadata
}

func (a answered) HandleDeserialize(context.Context, middleware.DeserializeInput) (middleware.DeserializeOutput, middleware.Metadata, error) {
	return a.out, a.md, nil
}

// replayed is an answer's body read again from memory; closing it closes the connection's.
type replayed struct {
	io.Reader
	io.Closer
}

// replay reads body and then fails with err as the connection's body did (nil: io.EOF).
func replay(body []byte, err error) io.Reader {
	if err == nil {
		return bytes.NewReader(body)
	}
	return io.MultiReader(bytes.NewReader(body), failing{err})
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

// The decoders below read the outputs' fields as the generated deserializers do: members are
// matched by their exact names, unknown members are skipped, a null leaves the field at its
// zero value, a repeated member's last value counts, ExpiresIn is read as an int64 and cut to
// int32, a list or map that is present is non-nil even when empty, and null list elements and
// map values are empty strings. Anything else (a value of another type, a malformed document,
// data after it) is declined, and the generated deserializer then gives the SDK's own result.

func decodeInitiateAuth(b []byte) (any, bool) {
	out := &cip.InitiateAuthOutput{}
	return out, decodeAuthAnswer(b, authAnswer{&out.AuthenticationResult, &out.AvailableChallenges, &out.ChallengeName, &out.ChallengeParameters, &out.Session})
}

func decodeRespondToAuthChallenge(b []byte) (any, bool) {
	out := &cip.RespondToAuthChallengeOutput{}
	return out, decodeAuthAnswer(b, authAnswer{&out.AuthenticationResult, nil, &out.ChallengeName, &out.ChallengeParameters, &out.Session})
}

// authAnswer points at the members of a sign-in call's output; available is nil for an output
// without AvailableChallenges, which is then skipped as unknown.
type authAnswer struct {
	result    **types.AuthenticationResultType
	available *[]types.ChallengeNameType
	name      *types.ChallengeNameType
	params    *map[string]string
	session   **string
}

// decodeAuthAnswer fills a's members from the answer b and reports whether it read all of it.
func decodeAuthAnswer(b []byte, a authAnswer) bool {
	r := awsjson.NewReader(b)
	if !r.Object() {
		return false
	}
	for key, ok := r.Key(); ok; key, ok = r.Key() {
		switch k := string(key); {
		case k == "AuthenticationResult":
			*a.result = readAuthenticationResult(&r)
		case k == "AvailableChallenges" && a.available != nil:
			*a.available = readChallengeNames(&r)
		case k == "ChallengeName":
			*a.name = types.ChallengeNameType(readPlainString(&r))
		case k == "ChallengeParameters":
			*a.params = readStringMap(&r)
		case k == "Session":
			*a.session = readString(&r)
		default:
			r.Skip()
		}
	}
	return r.Done()
}

func readAuthenticationResult(r *awsjson.Reader) *types.AuthenticationResultType {
	if r.Null() || !r.Object() {
		return nil
	}
	v := &types.AuthenticationResultType{}
	for key, ok := r.Key(); ok; key, ok = r.Key() {
		switch string(key) {
		case "AccessToken":
			v.AccessToken = readString(r)
		case "ExpiresIn":
			v.ExpiresIn = 0
			if !r.Null() {
				n, _ := r.Int64()
				v.ExpiresIn = int32(n) // cut as the generated deserializer does
			}
		case "IdToken":
			v.IdToken = readString(r)
		case "NewDeviceMetadata":
			v.NewDeviceMetadata = readNewDeviceMetadata(r)
		case "RefreshToken":
			v.RefreshToken = readString(r)
		case "TokenType":
			v.TokenType = readString(r)
		default:
			r.Skip()
		}
	}
	return v
}

func readNewDeviceMetadata(r *awsjson.Reader) *types.NewDeviceMetadataType {
	if r.Null() || !r.Object() {
		return nil
	}
	v := &types.NewDeviceMetadataType{}
	for key, ok := r.Key(); ok; key, ok = r.Key() {
		switch string(key) {
		case "DeviceGroupKey":
			v.DeviceGroupKey = readString(r)
		case "DeviceKey":
			v.DeviceKey = readString(r)
		default:
			r.Skip()
		}
	}
	return v
}

func readChallengeNames(r *awsjson.Reader) []types.ChallengeNameType {
	if r.Null() || !r.Array() {
		return nil
	}
	v := []types.ChallengeNameType{}
	for r.Elem() {
		v = append(v, types.ChallengeNameType(readPlainString(r)))
	}
	return v
}

func readStringMap(r *awsjson.Reader) map[string]string {
	if r.Null() || !r.Object() {
		return nil
	}
	v := map[string]string{}
	for key, ok := r.Key(); ok; key, ok = r.Key() {
		v[string(key)] = readPlainString(r)
	}
	return v
}

// readString reads a string member: nil for null.
func readString(r *awsjson.Reader) *string {
	if r.Null() {
		return nil
	}
	s, ok := r.String()
	if !ok {
		return nil
	}
	return &s
}

// readPlainString reads a string member: "" for null.
func readPlainString(r *awsjson.Reader) string {
	if r.Null() {
		return ""
	}
	s, _ := r.String()
	return s
}
