// Package belediye holds the rules of municipalities (belediye) that
// need more than one record: where a municipality lies in the registry,
// who won a mayoral race by the official figures and by how much, and
// which municipalities a party won, kept, gained and lost between two
// elections. It is pure: it imports the domain only.
package belediye
