// Package proctest holds only tests: those that build the real `sandik`
// binary and drive it as a process — kill -9 and crash cycles on SQLite
// and PostgreSQL, two instances on one database, shutdown on SIGTERM.
// They live apart from cmd/sandik so that `go test ./...` runs them as a
// test binary of their own: together with the command's other tests they
// took about 210 s on two cores, and under a loaded machine passed go
// test's default 10-minute timeout for one package.
package proctest
