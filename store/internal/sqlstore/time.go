package sqlstore

import "time"

// Times are kept as Unix nanoseconds in UTC; 0 stands for the zero time,
// which a sheet's capture time may be.

// Nanos returns t as a column.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Time returns a column of Nanos as a time in UTC.
func Time(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
