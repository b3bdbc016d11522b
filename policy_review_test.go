package sandik

import "testing"

// AssignedBoxes promises "at most limit" boxes, but checks the limit only
// after adding a box, so a limit of 0 still returns one. (Its callers pass
// 200 or the race's box count today; a caller passing 0 for "none" or a
// count that can be 0 gets a box anyway.)
func TestReviewAssignedBoxesHonoursZeroLimit(t *testing.T) {
	reg := policyRegistry(t)
	ibb, _ := reg.Race("ibb")
	u := User{Role: RoleObserver, Areas: []AreaCode{"34.01.01"}}
	if got := reg.AssignedBoxes(u, ibb, 0); len(got) != 0 {
		t.Errorf("AssignedBoxes(limit 0) = %v; want no box", got)
	}
}
