package reader

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/rolemine/rolemine/tenant"
)

var userSelect = []string{"id", "userPrincipalName", "displayName", "jobTitle", "department", "companyName", "employeeType",
	"accountEnabled", "userType"}

func toUser(u models.Userable) tenant.User {
	out := tenant.User{ID: str(u.GetId()), UserPrincipalName: str(u.GetUserPrincipalName()), DisplayName: str(u.GetDisplayName()),
		JobTitle: str(u.GetJobTitle()), Department: str(u.GetDepartment()), CompanyName: str(u.GetCompanyName()),
		EmployeeType: str(u.GetEmployeeType()), AccountEnabled: u.GetAccountEnabled(), UserType: str(u.GetUserType())}
	if m := u.GetManager(); m != nil {
		out.ManagerID = str(m.GetId())
	}
	return out
}

// readUsers lists every user with the attributes mining uses and the
// manager.
func (r *Reader) readUsers(ctx context.Context) ([]tenant.User, error) {
	r.progress("users", 0, 0)
	const endpoint = "/users"
	resp, err := users.NewUsersRequestBuilderInternal(r.pp, r.c.Adapter).Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Select: userSelect, Expand: []string{"manager($select=id)"}, Top: &r.opt.PageSize},
	})
	if err != nil {
		return nil, endpointErr(endpoint, err)
	}
	var out []tenant.User
	_, err = collect(ctx, r, endpoint, resp, models.CreateUserCollectionResponseFromDiscriminatorValue, func(u models.Userable) {
		out = append(out, toUser(u))
		if len(out)%1000 == 0 {
			r.progress("users", len(out), 0)
		}
	})
	return out, err
}
