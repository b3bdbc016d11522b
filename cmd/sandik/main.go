// Command sandik runs an election coordination centre: the server, the
// demo election night, registry imports and users. Benchmarks and
// screenshots are sandik-bench's.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(runMain()) }

// runMain runs the command of os.Args as the process: SIGINT or SIGTERM
// starts a clean shutdown, and a second one kills the process the
// default way. The script tests run their sandik through it too.
func runMain() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	defer stop()
	return run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}
