package ledger

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sandik-dev/sandik"
)

func TestCaseEventRecordSurvivesTheStore(t *testing.T) {
	at := time.Date(2026, 3, 31, 21, 14, 5, 123456789, time.FixedZone("+03", 3*3600))
	e := sandik.CaseEvent{Case: "C-7", Version: 2, Kind: "filed", User: "avukat", At: at, When: at, Reference: "2026/41"}
	r1, err := CaseEventRecord(e)
	if err != nil {
		t.Fatal(err)
	}
	// The store keeps the event as JSON and reads it back: the leaf must
	// be the same from what it reads.
	b, _ := json.Marshal(e)
	var back sandik.CaseEvent
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	r2, _ := CaseEventRecord(back)
	if r1 != r2 {
		t.Errorf("the record changed through JSON: %v vs %v", r1, r2)
	}
	if r1.ID != "C-7#2" || r1.Seq != 2 || r1.Kind != KindObjection {
		t.Errorf("record %+v", r1)
	}
	e.Reference = "2026/42"
	if r3, _ := CaseEventRecord(e); r3.ContentHash == r1.ContentHash {
		t.Error("a changed event must change its content hash")
	}
}

func TestUserRecordCoversEveryField(t *testing.T) {
	u := sandik.User{ID: "ayse", Name: "Ayşe", Role: sandik.Role("observer"), Areas: []sandik.AreaCode{"34.0135", "34.0101"}}
	base := UserRecord(u, [32]byte{1})
	same := u
	same.Areas = []sandik.AreaCode{"34.0101", "34.0135"}
	if UserRecord(same, [32]byte{1}) != base {
		t.Error("the order of areas must not matter")
	}
	for name, v := range map[string]func() Record{
		"name":  func() Record { w := u; w.Name = "Ayse"; return UserRecord(w, [32]byte{1}) },
		"role":  func() Record { w := u; w.Role = "coordinator"; return UserRecord(w, [32]byte{1}) },
		"areas": func() Record { w := u; w.Areas = []sandik.AreaCode{"34"}; return UserRecord(w, [32]byte{1}) },
		"token": func() Record { return UserRecord(u, [32]byte{2}) },
		// "ab"+"c" and "a"+"bc" must differ: every field carries its length.
		"split": func() Record { w := u; w.ID, w.Name = "ayseA", "yşe"; return UserRecord(w, [32]byte{1}) },
	} {
		if v().ContentHash == base.ContentHash {
			t.Errorf("changing the %s must change the content hash", name)
		}
	}
	if base.Kind != KindUser || base.ID != "ayse" {
		t.Errorf("record %+v", base)
	}
}

func TestSettingRecord(t *testing.T) {
	st := sandik.Setting{Key: "anomaly.thresholds", Value: []byte(`{"turnout_z":3}`), Version: 4, UpdatedBy: "koord", UpdatedAt: time.Unix(1700000000, 5)}
	r := SettingRecord(st)
	if r.Kind != KindThreshold || r.ID != st.Key || r.Seq != 4 {
		t.Errorf("record %+v", r)
	}
	st2 := st
	st2.Value = []byte(`{"turnout_z":4}`)
	st3 := st
	st3.UpdatedAt = st.UpdatedAt.Add(1)
	if SettingRecord(st2).ContentHash == r.ContentHash || SettingRecord(st3).ContentHash == r.ContentHash {
		t.Error("value and time are in the content hash")
	}
	if _, err := r.MarshalBinary(); err != nil {
		t.Error(err)
	}
}
