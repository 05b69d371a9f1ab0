// Command pgxclient drives jackc/pgx v5 through Meshgate for the client matrix (ClientMatrixIT).
//
// pgx uses the protocol unlike the other clients: by default every statement becomes a named
// server-side statement (stmtcache_<hash>: Parse and Describe once, then Bind with binary
// parameter and result formats chosen per type OID), SendBatch pipelines several statements
// before one Sync, CopyFrom sends binary COPY data without waiting for CopyInResponse, and a
// cancelled context either sends a CancelRequest or drops the connection. Each scenario, named
// on the command line, runs one of these as the user of the libpq environment variables the test
// sets (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE), checks what only the client
// can see, and prints what it read as one JSON object on stdout; the Java test compares that with
// the backend's own data. A failed check or an unexpected error exits non-zero.
//
//	pgxclient <scenario> [marker]
//
// The marker, when given, is put into the SQL of the statements the test looks up in the audit
// log.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
)

const pgxModule = "github.com/jackc/pgx/v5"

// The amounts "amount > threshold" is counted for, as in the other clients' scripts.
var thresholds = []int{0, 10, 20, 30, 40, 50, 60, 70}

type scenario func(ctx context.Context, marker string) (map[string]any, error)

var scenarios = map[string]scenario{
	"exec-modes":      execModes,
	"statement-cache": statementCache,
	"batch":           batch,
	"refusal":         refusal,
	"database-sql":    databaseSQL,
	"cancel":          cancel,
	"copy-from":       copyFrom,
	"types":           types,
}

func main() {
	if len(os.Args) < 2 || scenarios[os.Args[1]] == nil {
		names := make([]string, 0, len(scenarios))
		for name := range scenarios {
			names = append(names, name)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: pgxclient <scenario> [marker]; scenarios: %v\n", names)
		os.Exit(2)
	}
	name := os.Args[1]
	marker := ""
	if len(os.Args) > 2 {
		marker = os.Args[2]
	}
	// Well inside the test's own limit, so a hang ends here with a message.
	ctx, stop := context.WithTimeout(context.Background(), 50*time.Second)
	defer stop()
	result, err := scenarios[name](ctx, marker)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgxclient %s: %v\n", name, err)
		os.Exit(1)
	}
	result["client"] = "pgx"
	result["version"] = pgxVersion()
	result["scenario"] = name
	encoded, err := json.Marshal(result)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgxclient %s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Println(string(encoded))
}

// pgxVersion is the pgx module version this binary was built with (go.mod pins it).
func pgxVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, dependency := range info.Deps {
		if dependency.Path == pgxModule {
			return dependency.Version
		}
	}
	return "unknown"
}

// execModes are pgx's ways of running a statement, by the names the test prints.
var execModeList = []struct {
	name string
	mode pgx.QueryExecMode
}{
	{"cache_statement", pgx.QueryExecModeCacheStatement},
	{"cache_describe", pgx.QueryExecModeCacheDescribe},
	{"describe_exec", pgx.QueryExecModeDescribeExec},
	{"exec", pgx.QueryExecModeExec},
	{"simple_protocol", pgx.QueryExecModeSimpleProtocol},
}

// session is one pgx connection and the log of what it wrote.
type session struct {
	conn *pgx.Conn
	wire *wireLog
}

// connect opens a connection from the libpq environment in the given mode; adjust may change
// the configuration further before it connects.
func connect(ctx context.Context, scenario string, mode pgx.QueryExecMode, adjust ...func(*pgx.ConnConfig)) (*session, error) {
	config, err := pgx.ParseConfig("")
	if err != nil {
		return nil, err
	}
	config.RuntimeParams["application_name"] = "client-matrix-pgx-" + scenario
	config.DefaultQueryExecMode = mode
	wire := newWireLog()
	config.DialFunc = wire.dial
	for _, change := range adjust {
		change(config)
	}
	conn, err := pgx.ConnectConfig(ctx, config)
	if err != nil {
		return nil, err
	}
	return &session{conn: conn, wire: wire}, nil
}

func (s *session) close() {
	_ = s.conn.Close(context.Background())
}

func check(condition bool, format string, arguments ...any) error {
	if condition {
		return nil
	}
	return fmt.Errorf(format, arguments...)
}
