package orgmem

// NamesOf returns the bytes x keeps people's ids and names in.
func NamesOf(x *Index) []byte {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.names
}

// SetPage makes loads read n terms or people a statement until the
// returned func is called, so that small tests read many pages.
func SetPage(n int) (restore func()) {
	old := page
	page = n
	return func() { page = old }
}
