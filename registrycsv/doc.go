// Package registrycsv reads and writes the registry — the area tree,
// elections, races with their choices, and registered voters per box — as
// CSV files that a spreadsheet can open and save.
//
// A registry is a directory (or a list of files) holding any of four files,
// each with a header row naming its columns (any order, case and Turkish
// letters ignored: "İlçe" reads as "ilce"):
//
//	areas.csv          code,parent,level,name[,ysk_id]
//	elections.csv      code,name,date[,quorum]
//	races.csv          election,race,race_name,scope,choice,choice_name
//	registrations.csv  election,box,registered
//
// areas.csv has one row per node of the tree. level is one of country, il,
// ilce, mahalle, building, sandik (the Turkish ülke, ilçe, köy, bina, okul,
// sandık are accepted too); parent is empty only for a root and may come
// before or after its children; ysk_id is optional.
//
// elections.csv has one row per election. date is YYYY-MM-DD (a Turkish
// Excel's DD.MM.YYYY is accepted too), the voting day in İstanbul time.
// quorum — how many agreeing entries by different people verify a sheet —
// may be left out or empty for sandik.DefaultQuorum.
//
// races.csv has one row per choice, in ballot order. The race columns
// (election, race_name, scope) are repeated on every row of the race or
// left empty after its first row; when given they must agree.
//
// registrations.csv has one row per box and election: the number of voters
// on the box's list. box must be an area of level sandik.
//
// Files are UTF-8, with or without a byte order mark; fields are separated
// by commas, or by semicolons as a Turkish Excel writes them, or by tabs —
// whichever the header line uses (or an Excel "sep=;" first line names);
// lines end in LF or CRLF; fields may be
// quoted and are trimmed of spaces. Rows whose fields are all empty are
// skipped. A line longer than MaxLineBytes (a quoted field's newlines
// included) stops the reading with an error naming the file and the line;
// a field longer than MaxFieldBytes is a problem of its row.
//
// Reading is all or nothing. Every problem is collected — up to MaxProblems,
// then one saying how many more — and returned together as one EInvalid
// *sandik.Error. Each sandik.Problem has Line, the 1-based physical line of
// the file (a spreadsheet's row number), and Field "<file>:<column>", such
// as "registrations.csv:registered". Problems between records (an unknown
// parent, a duplicate code, a box that is not a sandık) are found by
// sandik.NewRegistry and reported against the line that holds the record.
// A line with a problem of its own is not reported again for what follows
// from it.
//
// WriteDir writes the same format (comma, LF, no byte order mark), so that
// a registry read and written again is unchanged.
package registrycsv
