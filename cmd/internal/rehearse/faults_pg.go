package rehearse

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// connReset ends every PostgreSQL connection of the servers at once, as a
// failover or a proxy's restart does: the servers must reconnect and
// their clients' retries succeed.
func (env *faultEnv) connReset(ctx context.Context, r *FaultResult) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, env.db)
	if err != nil {
		r.Problem = fmt.Sprintf("connect to PostgreSQL to reset the servers' connections: %v", err)
		r.Summary = r.Problem
		return
	}
	defer conn.Close(context.Background())
	var ended int
	err = conn.QueryRow(cctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`, env.appName).Scan(&ended)
	switch {
	case err != nil:
		r.Problem = fmt.Sprintf("pg_terminate_backend: %v", err)
		r.Summary = r.Problem
	case ended == 0:
		r.Problem = fmt.Sprintf("no connection of the servers (application_name %q) was found to end", env.appName)
		r.Summary = r.Problem
	default:
		r.Summary = fmt.Sprintf("ended %d PostgreSQL connections of the servers (application_name %q) with pg_terminate_backend", ended, env.appName)
	}
}

// pgRestart restarts the PostgreSQL cluster the servers use, with
// pg_ctlcluster (Debian's postgresql-common), found by the URL's port.
func (env *faultEnv) pgRestart(ctx context.Context, r *FaultResult) {
	ver, name, err := clusterOf(env.db)
	if err != nil {
		r.Problem = err.Error()
		r.Summary = r.Problem
		return
	}
	t0 := time.Now()
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(cctx, "pg_ctlcluster", "--skip-systemctl-redirect", ver, name, "restart").CombinedOutput()
	if err != nil {
		r.Problem = fmt.Sprintf("pg_ctlcluster %s %s restart: %v: %s", ver, name, err, bytes.TrimSpace(out))
		r.Summary = r.Problem
		return
	}
	r.Summary = fmt.Sprintf("restarted PostgreSQL %s/%s (pg_ctlcluster restart took %.1f s)", ver, name, time.Since(t0).Seconds())
}

// clusterOf finds the version and name of the local cluster listening on
// db's port, from pg_lsclusters.
func clusterOf(db string) (ver, name string, err error) {
	u, err := url.Parse(db)
	if err != nil {
		return "", "", err
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	if host != "" && host != "localhost" && host != "127.0.0.1" && host != "::1" && !strings.HasPrefix(host, "/") {
		return "", "", fmt.Errorf("pg-restart restarts a cluster on this machine; %s is elsewhere", host)
	}
	out, err := exec.Command("pg_lsclusters", "--no-header").Output()
	if err != nil {
		return "", "", fmt.Errorf("pg-restart needs pg_lsclusters (postgresql-common): %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		// Ver Cluster Port Status Owner Data-directory Log-file
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && f[2] == port {
			return f[0], f[1], nil
		}
	}
	return "", "", fmt.Errorf("pg-restart: no local cluster listens on port %s (pg_lsclusters)", port)
}
