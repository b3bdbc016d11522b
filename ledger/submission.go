package ledger

import "github.com/sandik-dev/sandik"

// SubmissionKind is the kind of record a submission makes: an
// adjudication, a row of an imported file (observer sheets or official
// figures), or an entry.
func SubmissionKind(s *sandik.Submission) Kind {
	switch {
	case s.Kind == sandik.KindAdjudication:
		return KindAdjudication
	case s.Source == sandik.SourceImport || s.Source == sandik.SourceOfficial:
		return KindImport
	}
	return KindSubmission
}

// SubmissionRecord is the record of a stored submission: its kind, id and
// sequence number, and the content hash it was stored with. An audit
// builds it with the content hash recomputed from the stored fields
// instead (Submission.ContentHash).
func SubmissionRecord(s *sandik.Submission) Record {
	return Record{Kind: SubmissionKind(s), ID: string(s.ID), Seq: s.Seq, ContentHash: s.Hash}
}
