package itiraz

import "github.com/sandik-dev/sandik"

// Store is the store contract's part that keeps cases and evidence.
type Store = sandik.CaseStore

// MaxEvidenceBytes bounds one evidence file (a phone photo of a sheet, a
// scanned decision).
const MaxEvidenceBytes = sandik.MaxEvidenceBytes

// Checksum returns the hex SHA-256 of data, as evidence is kept under.
func Checksum(data []byte) string { return sandik.EvidenceChecksum(data) }
