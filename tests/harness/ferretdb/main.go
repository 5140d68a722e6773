// Command ferretdb-harness runs an embedded FerretDB (MongoDB wire protocol)
// with the SQLite handler for Shuangwan's integration tests.
//
// It listens on the given loopback address and port, keeps its SQLite files
// in the given directory, prints its MongoDB URI on stdout once the listener
// is bound, and serves until SIGTERM or SIGINT.
//
// Build (pure Go):
//
//	CGO_ENABLED=0 go build -o ferretdb-harness .
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 27017, "TCP port to listen on (0 picks a free one)")
	sqliteDir := flag.String("sqlite-dir", "", "directory for the SQLite databases (created if missing; required)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	flag.Parse()

	if *sqliteDir == "" {
		fmt.Fprintln(os.Stderr, "ferretdb-harness: -sqlite-dir is required")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-harness: bad -log-level: %s\n", err)
		os.Exit(2)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*sqliteDir)
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-harness: sqlite dir: %s\n", err)
		os.Exit(1)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{
			TCP: net.JoinHostPort(*host, strconv.Itoa(*port)),
		},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-harness: %s\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// The listener is bound by ferretdb.New, so the URI is known now.
	fmt.Println(f.MongoDBURI())

	if err := <-done; err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-harness: %s\n", err)
		os.Exit(1)
	}
}
