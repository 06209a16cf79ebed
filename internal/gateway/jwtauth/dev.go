package jwtauth

// The issuer and audience of dev tokens: `tandem dev` (POST /dev/token) and `tandem token`
// sign with them, and the local checks (the gateway, the functions under `sam local`)
// accept nothing else. Cognito's tokens carry https://cognito-idp.<region>.amazonaws.com/<pool>
// and the web client's id instead, so a dev token is never valid in AWS.
const (
	DevIssuer   = "https://tandem.local/dev"
	DevAudience = "tandem-local"
)
