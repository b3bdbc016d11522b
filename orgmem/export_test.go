package orgmem

// NamesOf returns the bytes x keeps people's ids and names in.
func NamesOf(x *Index) []byte {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.names
}
