package main

import (
	"context"
	"encoding/binary"
	"net"
	"sync"
)

// Frontend message codes of the untyped messages a client may open a connection with.
const (
	cancelRequestCode = 80877102
	sslRequestCode    = 80877103
	gssEncRequestCode = 80877104
)

// wireLog counts the frontend messages pgx writes, by type byte, on every connection dialled
// through it (the session's own and those its CancelRequests open). Only the client knows what
// it put on the wire: the test asserts, for example, that a cached statement was parsed once and
// bound many times, which results alone cannot show.
type wireLog struct {
	mu             sync.Mutex
	messages       map[string]int
	parseNames     []string
	cancelRequests int
}

func newWireLog() *wireLog {
	return &wireLog{messages: map[string]int{}}
}

// dial is a pgconn.DialFunc that records what is written to each connection it opens.
func (w *wireLog) dial(ctx context.Context, network, address string) (net.Conn, error) {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: conn, log: w}, nil
}

func (w *wireLog) count(messageType string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.messages[messageType]
}

// snapshot is what the scenarios print: counts by message name, the names Parse gave, cancels.
func (w *wireLog) snapshot() map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	messages := map[string]int{}
	for name, count := range w.messages {
		messages[name] = count
	}
	return map[string]any{
		"messages":        messages,
		"parse_names":     append([]string{}, w.parseNames...),
		"cancel_requests": w.cancelRequests,
	}
}

var messageNames = map[byte]string{
	'P': "parse", 'B': "bind", 'D': "describe", 'E': "execute", 'S': "sync", 'H': "flush",
	'C': "close", 'Q': "query", 'd': "copy_data", 'c': "copy_done", 'f': "copy_fail",
	'X': "terminate", 'p': "password",
}

// recordingConn splits the bytes written into frontend messages. The first message of a
// connection has no type byte (startup, SSLRequest, CancelRequest); every later one has.
type recordingConn struct {
	net.Conn
	log     *wireLog
	started bool
	pending []byte
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.observe(p)
	return c.Conn.Write(p)
}

func (c *recordingConn) observe(p []byte) {
	c.pending = append(c.pending, p...)
	for {
		if !c.started {
			if len(c.pending) < 8 {
				return
			}
			length := int(binary.BigEndian.Uint32(c.pending))
			if len(c.pending) < length {
				return
			}
			switch binary.BigEndian.Uint32(c.pending[4:]) {
			case cancelRequestCode:
				c.log.mu.Lock()
				c.log.cancelRequests++
				c.log.mu.Unlock()
			case sslRequestCode, gssEncRequestCode:
				// Answered by one byte; the startup message follows.
			default:
				c.started = true
			}
			c.pending = c.pending[length:]
			continue
		}
		if len(c.pending) < 5 {
			return
		}
		length := int(binary.BigEndian.Uint32(c.pending[1:]))
		if len(c.pending) < 1+length {
			return
		}
		messageType := c.pending[0]
		body := c.pending[5 : 1+length]
		name, known := messageNames[messageType]
		if !known {
			name = string(messageType)
		}
		c.log.mu.Lock()
		c.log.messages[name]++
		if messageType == 'P' {
			c.log.parseNames = append(c.log.parseNames, cString(body))
		}
		c.log.mu.Unlock()
		c.pending = c.pending[1+length:]
	}
}

func cString(body []byte) string {
	for index, value := range body {
		if value == 0 {
			return string(body[:index])
		}
	}
	return string(body)
}
