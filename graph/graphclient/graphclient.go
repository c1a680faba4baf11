// Package graphclient builds the msgraph-sdk-go request adapter that the
// Graph-facing packages (graph/reader, the apply command) share: the
// credential (azidentity's client secret, certificate, Azure CLI, device
// code or managed identity; a static bearer token or none for a local
// Graph-compatible endpoint), the base URL, and the middleware (retries of
// 429, 503 and 504 honouring Retry-After).
//
// It uses the SDK's core adapter and the request builders of the
// sub-packages rather than the root GraphServiceClient, which would compile
// every one of Graph's request builders into the binary.
package graphclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/authentication"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	khttp "github.com/microsoft/kiota-http-go"
	formser "github.com/microsoft/kiota-serialization-form-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	multiser "github.com/microsoft/kiota-serialization-multipart-go"
	textser "github.com/microsoft/kiota-serialization-text-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	coreauth "github.com/microsoftgraph/msgraph-sdk-go-core/authentication"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
)

// DefaultBaseURL is Microsoft Graph v1.0.
const DefaultBaseURL = "https://graph.microsoft.com/v1.0"

// TokenEnv names the environment variable with a static bearer token for
// a Graph-compatible endpoint given with --graph-url.
const TokenEnv = "ROLEMINE_GRAPH_TOKEN"

// Auth methods.
const (
	AuthAuto            = "auto"             // azidentity's DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI, ...
	AuthEnvironment     = "environment"      // AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH
	AuthAzureCLI        = "azure-cli"        // the account `az login` signed in
	AuthDeviceCode      = "device-code"      // sign in on another device
	AuthManagedIdentity = "managed-identity" // the Azure resource's identity
	AuthToken           = "token"            // a static bearer token (ROLEMINE_GRAPH_TOKEN)
	AuthNone            = "none"             // no Authorization header (a local test server)
)

// AuthMethods lists the values of Options.Auth.
var AuthMethods = []string{AuthAuto, AuthEnvironment, AuthAzureCLI, AuthDeviceCode, AuthManagedIdentity, AuthToken, AuthNone}

// Scopes are the scopes requested for Graph.
var Scopes = []string{"https://graph.microsoft.com/.default"}

// Options configure a client.
type Options struct {
	// BaseURL is Graph's base URL with its version, DefaultBaseURL when
	// empty.
	BaseURL string
	// Auth is one of AuthMethods; empty means AuthAuto for Graph itself and,
	// for another BaseURL, AuthToken when Token is set and AuthNone
	// otherwise.
	Auth string
	// Tenant is the directory (tenant) id or domain for the credentials
	// that take one.
	Tenant string
	// ClientID is the application (client) id for device code sign-in and
	// a user-assigned managed identity.
	ClientID string
	// Token is the static bearer token of AuthToken.
	Token string
	// DeviceCode shows the device-code sign-in message.
	DeviceCode func(message string)
	// MaxRetries bounds the retries of a throttled or unavailable request
	// (0: 5).
	MaxRetries int
}

// Client is an authenticated request adapter with its base URL.
type Client struct {
	Adapter abs.RequestAdapter
	BaseURL string
}

// PathParameters returns the path parameters the sub-packages' request
// builders take.
func (c *Client) PathParameters() map[string]string { return map[string]string{"baseurl": c.BaseURL} }

// New builds a client. It does not contact Graph or the identity provider:
// a credential fails on the first request.
func New(ctx context.Context, opt Options) (*Client, error) {
	base := strings.TrimRight(opt.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("graph url %q: need an absolute http(s) URL such as %s", opt.BaseURL, DefaultBaseURL)
	}
	method := opt.Auth
	if method == "" {
		switch {
		case base == DefaultBaseURL:
			method = AuthAuto
		case opt.Token != "":
			method = AuthToken
		default:
			method = AuthNone
		}
	}
	var provider authentication.AuthenticationProvider
	switch method {
	case AuthNone:
		provider = &authentication.AnonymousAuthenticationProvider{}
	case AuthToken:
		if opt.Token == "" {
			return nil, fmt.Errorf("--auth token needs a token in %s", TokenEnv)
		}
		provider = authentication.NewBaseBearerTokenAuthenticationProvider(staticToken{token: opt.Token, host: u.Hostname()})
	default:
		cred, err := credential(method, opt)
		if err != nil {
			return nil, err
		}
		hosts := []string{"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn", u.Hostname()}
		p, err := coreauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(cred, Scopes, hosts)
		if err != nil {
			return nil, err
		}
		provider = p
	}
	retries := opt.MaxRetries
	if retries <= 0 {
		retries = 5
	}
	mws, err := khttp.GetDefaultMiddlewaresWithOptions(
		// Request bodies go out uncompressed: kiota-http-go#183 reports that
		// a compressed POST retried after a 429 is resent uncompressed but
		// still labelled gzip, which Graph refuses.
		khttp.NewCompressionOptionsReference(false),
		&khttp.RetryHandlerOptions{MaxRetries: retries, DelaySeconds: 3, ShouldRetry: func(_ time.Duration, _ int, _ *http.Request, _ *http.Response) bool { return true }},
	)
	if err != nil {
		return nil, err
	}
	clientOptions := msgraphcore.GraphClientOptions{GraphServiceVersion: "v1.0", GraphServiceLibraryVersion: "rolemine"}
	httpClient := msgraphcore.GetDefaultClient(&clientOptions, mws...)
	registerSerializers()
	adapter, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		provider, clientOptions, nil, nil, httpClient)
	if err != nil {
		return nil, err
	}
	adapter.SetBaseUrl(base)
	return &Client{Adapter: adapter, BaseURL: base}, nil
}

func credential(method string, opt Options) (azcore.TokenCredential, error) {
	switch method {
	case AuthAuto:
		return azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{TenantID: opt.Tenant})
	case AuthEnvironment:
		return azidentity.NewEnvironmentCredential(nil)
	case AuthAzureCLI:
		return azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: opt.Tenant})
	case AuthDeviceCode:
		return azidentity.NewDeviceCodeCredential(&azidentity.DeviceCodeCredentialOptions{TenantID: opt.Tenant, ClientID: opt.ClientID,
			UserPrompt: func(_ context.Context, m azidentity.DeviceCodeMessage) error {
				if opt.DeviceCode != nil {
					opt.DeviceCode(m.Message)
				}
				return nil
			}})
	case AuthManagedIdentity:
		var o azidentity.ManagedIdentityCredentialOptions
		if opt.ClientID != "" {
			o.ID = azidentity.ClientID(opt.ClientID)
		}
		return azidentity.NewManagedIdentityCredential(&o)
	}
	return nil, fmt.Errorf("unknown auth method %q (use %s)", method, strings.Join(AuthMethods, ", "))
}

// staticToken hands a fixed bearer token to the one host it is for.
type staticToken struct{ token, host string }

func (s staticToken) GetAuthorizationToken(_ context.Context, u *url.URL, _ map[string]any) (string, error) {
	if u.Hostname() != s.host {
		return "", nil
	}
	return s.token, nil
}

func (s staticToken) GetAllowedHostsValidator() *authentication.AllowedHostsValidator {
	v, err := authentication.NewAllowedHostsValidatorErrorCheck([]string{s.host})
	if err != nil {
		// A host from url.Parse has no scheme, the one thing refused.
		panic(err)
	}
	return v
}

var registerOnce sync.Once

// registerSerializers registers the JSON, text, form and multipart
// serializers, which the root client would otherwise register.
func registerSerializers() {
	registerOnce.Do(func() {
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory { return jsonser.NewJsonSerializationWriterFactory() })
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory { return textser.NewTextSerializationWriterFactory() })
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory { return formser.NewFormSerializationWriterFactory() })
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory {
			return multiser.NewMultipartSerializationWriterFactory()
		})
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return jsonser.NewJsonParseNodeFactory() })
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return textser.NewTextParseNodeFactory() })
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory { return formser.NewFormParseNodeFactory() })
	})
}

// Describe turns an SDK error into a message with the HTTP status, Graph's
// error code and its message, without request headers or tokens.
func Describe(err error) error {
	var odata *odataerrors.ODataError
	if errors.As(err, &odata) {
		msg := fmt.Sprintf("HTTP %d", odata.ResponseStatusCode)
		if e := odata.GetErrorEscaped(); e != nil {
			if c := e.GetCode(); c != nil {
				msg += " " + *c
			}
			if m := e.GetMessage(); m != nil {
				msg += ": " + *m
			}
		}
		return errors.New(msg)
	}
	return err
}

// Status returns the HTTP status of an SDK error, or 0.
func Status(err error) int {
	var odata *odataerrors.ODataError
	if errors.As(err, &odata) {
		return odata.ResponseStatusCode
	}
	var api *abs.ApiError
	if errors.As(err, &api) {
		return api.ResponseStatusCode
	}
	return 0
}
