# Sourced by the scripts that build or check Go code: sets $go to the local Go toolchain (PATH,
# else /usr/local/go) with GOTOOLCHAIN=local, or stops with one line saying what is missing.
# Usage: . scripts/local-go.sh <who is asking>
go=/usr/local/go/bin/go
command -v go >/dev/null 2>&1 && go=$(command -v go)
if [ ! -x "$go" ]; then
  echo "${1:-busybench}: Go is needed (expected at /usr/local/go/bin/go)" >&2
  exit 1
fi
export GOTOOLCHAIN=local
