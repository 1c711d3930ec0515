package testutil

// AdminGroup is the administrators' group in GroupsClaimCases (admin.DefaultGroup).
const AdminGroup = "bridgekeeper-admins"

// GroupsClaimCase is one shape of the cognito:groups claim and the groups it reads as.
type GroupsClaimCase struct {
	Name  string
	Value string   // the claim's JSON value; "" is no claim at all
	Want  []string // the groups, in token order; nil is none
}

// GroupsClaimCases are the shapes every use of cognito:groups is tested with: the admin
// console's gate (an administrator is the one whose groups contain AdminGroup) and the groups
// claim released to apps.
func GroupsClaimCases() []GroupsClaimCase {
	return []GroupsClaimCase{
		{"absent", "", nil},
		{"null", `null`, nil},
		{"list", `["` + AdminGroup + `","staff"]`, []string{AdminGroup, "staff"}},
		{"list of one", `["staff"]`, []string{"staff"}},
		{"one string", `"` + AdminGroup + `"`, []string{AdminGroup}},
		{"one other string", `"staff"`, []string{"staff"}},
		{"escaped string", `"\u0062ridgekeeper-admins"`, []string{AdminGroup}},
		{"empty list", `[]`, nil},
		{"empty string", `""`, nil},
		{"members of other types skipped", `["staff",1,null,true,{"g":"` + AdminGroup + `"},["` + AdminGroup + `"],"x"]`, []string{"staff", "x"}},
		{"null and empty members skipped", `["null","",null]`, []string{"null"}},
		{"names kept exactly", `["Bridgekeeper-Admins"," ` + AdminGroup + `","` + AdminGroup + ` "]`, []string{"Bridgekeeper-Admins", " " + AdminGroup, AdminGroup + " "}},
		{"a string is not split", `"` + AdminGroup + `,staff"`, []string{AdminGroup + ",staff"}},
		{"number", `7`, nil},
		{"boolean", `true`, nil},
		{"object", `{"` + AdminGroup + `":true}`, nil},
		{"list of lists", `[["` + AdminGroup + `"]]`, nil},
	}
}
