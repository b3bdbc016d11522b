// Package anomaly flags ballot boxes whose figures a coordinator should
// look at: broken sums, impossible or unusual turnout, unusual invalid
// shares, a strong party at zero, digits swapped between two entries of
// the same sheet, and too many round numbers. A flag is not a verdict;
// each says what was measured (Value), the bound it broke (Threshold) and
// the figures behind it (Params), and Message says it in plain Turkish or
// English. Every bound is in Thresholds, so the centre can tune them. The
// package is pure: no HTTP, no SQL, no store; Detect is deterministic.
//
// The kinds, what Value and Threshold hold, and when a box is flagged:
//
//   - identity: a sum of the sheet disagrees — without + upon objection
//     = valid total (Field "valid_total"), Σ votes = valid total ("votes";
//     votes of -1, not on the ballot, are left out), valid + invalid =
//     voted ("voted"). Value is the sum, Threshold the figure it should
//     equal. Any difference is flagged.
//   - turnout_over_100: voted / (registered + voted by law) in percent,
//     above TurnoutMaxPercent (strictly). Registered is the registry's when
//     known. Voters by law (box officials, police) are not on the list.
//   - turnout_outlier and invalid_share_outlier: turnout, or invalid /
//     voted, in percent, against the box's group (Box.Group, typically the
//     mahalle): flagged when its distance from the group's median is
//     strictly larger than each of Z × 1.4826 × MAD (the group's spread,
//     measured robustly so that the wrong boxes do not hide themselves),
//     Z × the sampling deviation of a box of this size at the median rate
//     (a box of 120 voters shows a share only to a few points), and
//     MinPoints. Threshold is the edge crossed (median ± that distance).
//     Groups with fewer than MinGroupSize usable boxes are not judged; the
//     box itself is part of its group.
//   - zero_choice: a choice with exactly 0 votes in a box of at least
//     ZeroChoiceMinValid valid votes, whose median share of the valid votes
//     in the group is at or above ZeroChoiceMinMedianPercent. Value is that
//     median share. Field is "votes.<choice>".
//   - transposed_digits: a figure of Sheet and the same figure of Other
//     differ by a swap of two adjacent digits (Transposed). Value is
//     Sheet's figure, Threshold Other's. One flag per field.
//   - round_numbers: of the box's choice counts of 10 or more (n, at least
//     RoundMinCounts), k end in 0. The last digit of such a count is 0
//     about once in ten (12 % is assumed, after Benford's law for two-digit
//     counts, to err towards fewer flags), so chance gives k or more with
//     the binomial tail probability P(X ≥ k), which is Value; the box is
//     flagged when it is at most RoundMaxProbability (Threshold). The
//     default, 1 in 100,000, means about two chance flags among the
//     200,000 boxes of a national election, and needs at least six counts
//     of 10 or more, all round: invented figures, not an unlucky box.
//
// The defaults flag nothing on 80,000 realistic synthetic boxes (40 seeds
// of 2,000 in 20 groups) and find every error the tests plant.
package anomaly
