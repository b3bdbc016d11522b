//go:build !unix

package limits

import "errors"

// RaiseOpenFiles is not supported here.
func RaiseOpenFiles() (soft, hard uint64, err error) {
	return 0, 0, errors.New("open-file limits cannot be raised on this system")
}
