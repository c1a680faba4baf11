package graphclient

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/stretchr/testify/require"
)

func TestNewChecksOptions(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []string{"graph.microsoft.com", "ftp://x/v1.0", "http://"} {
		_, err := New(ctx, Options{BaseURL: bad})
		require.ErrorContains(t, err, "need an absolute http(s) URL", bad)
	}
	_, err := New(ctx, Options{BaseURL: "http://127.0.0.1:1/v1.0", Auth: AuthToken})
	require.ErrorContains(t, err, TokenEnv)
	_, err = New(ctx, Options{Auth: "password"})
	require.ErrorContains(t, err, `unknown auth method "password"`)

	c, err := New(ctx, Options{BaseURL: "http://127.0.0.1:1/v1.0/"})
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:1/v1.0", c.BaseURL, "trailing slash dropped")
	require.Equal(t, map[string]string{"baseurl": c.BaseURL}, c.PathParameters())
	c, err = New(ctx, Options{})
	require.NoError(t, err, "the default credential chain is built lazily")
	require.Equal(t, DefaultBaseURL, c.BaseURL)
}

func TestStaticTokenGoesOnlyToItsHost(t *testing.T) {
	p := staticToken{token: "t0k", host: "127.0.0.1"}
	mine, _ := url.Parse("http://127.0.0.1:8080/v1.0/users")
	other, _ := url.Parse("https://evil.example/v1.0/users")
	tok, err := p.GetAuthorizationToken(context.Background(), mine, nil)
	require.NoError(t, err)
	require.Equal(t, "t0k", tok)
	tok, err = p.GetAuthorizationToken(context.Background(), other, nil)
	require.NoError(t, err)
	require.Empty(t, tok)
	require.True(t, p.GetAllowedHostsValidator().IsUrlHostValid(mine))
	require.False(t, p.GetAllowedHostsValidator().IsUrlHostValid(other))
}

func TestDescribe(t *testing.T) {
	e := odataerrors.NewODataError()
	e.ResponseStatusCode = 403
	main := odataerrors.NewMainError()
	code, msg := "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
	main.SetCode(&code)
	main.SetMessage(&msg)
	e.SetErrorEscaped(main)
	require.EqualError(t, Describe(e), "HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation.")
	require.Equal(t, 403, Status(e))
	plain := errors.New("dial tcp: refused")
	require.Equal(t, plain, Describe(plain))
	require.Zero(t, Status(plain))
}
