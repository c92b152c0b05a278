package pairfreq

import "testing"

func TestDefault_rarity(t *testing.T) {
	tab := Default()
	if len(tab.keys) < 10000 || tab.clauses < 10000 {
		t.Fatalf("the shipped table has %d pairs over %d clauses", len(tab.keys), tab.clauses)
	}
	pair := func(s string) uint32 {
		r := []rune(s)
		p, ok := Pair(r[0], r[1])
		if !ok {
			t.Fatalf("Pair(%q) not ok", s)
		}
		return p
	}
	common, rare := tab.Rarity(pair("职务")), tab.Rarity(pair("红烧"))
	if !(common < 0.5 && rare == 1) {
		t.Errorf("rarity of 职务 %.2f, of 红烧 %.2f; want an everyday word well below an unseen one", common, rare)
	}
	if s, r := tab.Surprise('共', '识'), tab.Surprise('乌', '克'); !(s < r) {
		t.Errorf("surprise of 共识 %.2f, of 乌克 %.2f; want common characters below a rare one", s, r)
	}
	if _, ok := Pair('a', '职'); ok {
		t.Error("a Latin letter made a pair")
	}
}

func TestEncode_roundTrip(t *testing.T) {
	df := map[uint32]int{1<<16 | 2: 5, 3<<16 | 4: 1, 7<<16 | 9: 40}
	tab, err := decode(Encode(100, df, 2))
	if err != nil {
		t.Fatal(err)
	}
	if tab.clauses != 100 || len(tab.keys) != 2 || tab.df[0] != 5 || tab.df[1] != 40 {
		t.Errorf("decoded %+v", tab)
	}
	if _, err := decode([]byte("not gzip")); err == nil {
		t.Error("garbage decoded")
	}
}
