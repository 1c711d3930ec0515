package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a configuration, in plain words.
type Problem struct {
	// Path is the YAML path of the setting, such as "oidc.clients[0].id";
	// empty for problems with the file as a whole.
	Path string
	// Message completes the sentence that starts with Path, such as
	// "is required".
	Message string
	// Line is the line in the file, when known (0 otherwise).
	Line int
}

// String reads as a sentence: "pool.user_pool_id is required".
func (p Problem) String() string {
	s := p.Message
	if p.Path != "" {
		s = p.Path + " " + p.Message
	}
	if p.Line > 0 {
		s += fmt.Sprintf(" (line %d)", p.Line)
	}
	return s
}

// Problems lists every problem found. As an error it reads as one line per
// problem; use errors.As to get the list back.
type Problems []Problem

// Error joins the problems, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Err returns ps as an error, or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// add appends a problem with a formatted message.
func (ps *Problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}
