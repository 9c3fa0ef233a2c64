package report

import "net/url"

// Redacted is a target URL as busybench writes it down (results, summaries, spool batches): any
// userinfo's password replaced by "***", so a credential in a target never lands in a file.
func Redacted(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.User == nil {
		return target
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	return u.String()
}
