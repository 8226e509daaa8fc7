package search

import (
	"slices"
	"strings"
	"sync"
)

// placeNames are the province's place names of more than one syllable, as
// the seed data writes them (seed/projects.go's places, the zone names and
// the province). A Vietnamese syllable is a word of its own ("Nha" in "Nha
// Trang", "nhà" a house), so a query that holds one of these names matches
// it as a phrase: "nha trang resort" finds resorts in Nha Trang, not a
// house (nhà) on a street named Trang. TestPlaceNamesFromSeed keeps the
// list in step with the seed.
var placeNames = []string{
	"Khánh Hòa", "Vân Phong", "Bắc Vân Phong", "Nam Vân Phong",
	// nha_trang
	"Nha Trang", "Hòn Tre", "Vĩnh Hòa", "Phước Đồng", "Hòn Chồng", "Vĩnh Lương", "Hòn Tằm", "Bãi Tiên",
	"Vĩnh Trường", "Vĩnh Phương", "Đồng Đế", "Cù Lao", "Vĩnh Thái", "Hòn Một",
	// cam_ranh
	"Cam Ranh", "Bình Ba", "Cam Nghĩa", "Cam Phúc Nam", "Ba Ngòi", "Cam Thịnh Đông", "Bình Hưng", "Cam Linh",
	"Mỹ Ca", "Cam Lập", "Bãi Nồm",
	// ninh_hoa
	"Ninh Hòa", "Ninh Thủy", "Dốc Lết", "Ninh Phước", "Ninh Diêm", "Hòn Khói", "Ninh Vân", "Ninh Hải",
	"Ninh Xuân", "Ninh Ích", "Ninh Tịnh", "Ninh Tân",
	// van_ninh
	"Vạn Ninh", "Đầm Môn", "Vạn Giã", "Đại Lãnh", "Tuần Lễ", "Vạn Thạnh", "Điệp Sơn", "Vạn Thọ", "Xuân Tự",
	"Vạn Long", "Vạn Hưng", "Mũi Đôi",
	// cam_lam
	"Cam Lâm", "Bãi Dài", "Cam Hải Đông", "Cam Hải Tây", "Cam Đức", "Suối Tân", "Cam Thành Bắc", "Cam Hòa",
	"Suối Dầu", "Cam An Nam", "Cam Hiệp Bắc",
	// dien_khanh
	"Diên Khánh", "Suối Hiệp", "Diên Phú", "Diên An", "Diên Thọ", "Diên Lâm", "Diên Sơn", "Suối Tiên",
	"Diên Điền", "Diên Phước",
	// khanh_vinh
	"Khánh Vĩnh", "Sông Giang", "Khánh Bình", "Sơn Thái", "Khánh Thượng", "Giang Ly", "Liên Sang",
	"Khánh Hiệp", "Cầu Bà",
	// khanh_son
	"Khánh Sơn", "Tô Hạp", "Sơn Bình", "Sơn Lâm", "Thành Sơn", "Ba Cụm Bắc", "Sơn Hiệp", "Sơn Trung",
	// truong_sa
	"Trường Sa", "Song Tử Tây", "Sinh Tồn",
}

// places indexes placeNames for matching query words: each name's folded
// syllables, and the set of folded syllables any name contains.
var places = sync.OnceValue(func() (p struct {
	names     [][]string
	syllables map[string]bool
},
) {
	p.syllables = map[string]bool{}
	for _, n := range placeNames {
		words := strings.Fields(Fold(n))
		p.names = append(p.names, words)
		for _, w := range words {
			p.syllables[w] = true
		}
	}
	return p
})

// isPlaceSyllable reports whether a folded word is a syllable of a place
// name: such short words are not matched with typos ("trang" is not
// "trung"), as Meilisearch is told with disableOnWords.
func isPlaceSyllable(term string) bool { return places().syllables[term] }

// unit is one thing a query asks for: a word, or the words of a place name
// that must appear side by side.
type unit struct {
	// words are the unit's words as typed (NFC) and folded.
	words, terms []string
	// place is true for a place name.
	place bool
	// prefix is true when the unit is the query's last word and may match
	// as a prefix.
	prefix bool
}

// units groups p's words into place names, longest first, and single words.
func (p parsedText) units() []unit {
	terms := make([]string, len(p.words))
	for i, w := range p.words {
		terms[i] = Fold(w)
	}
	var out []unit
	for i := 0; i < len(terms); {
		best := 0
		for _, name := range places().names {
			if len(name) > best && i+len(name) <= len(terms) && slices.Equal(terms[i:i+len(name)], name) {
				best = len(name)
			}
		}
		if best > 0 {
			out = append(out, unit{words: p.words[i : i+best], terms: terms[i : i+best], place: true})
			i += best
			continue
		}
		out = append(out, unit{words: p.words[i : i+1], terms: terms[i : i+1],
			prefix: p.lastPrefix && i == len(terms)-1})
		i++
	}
	return out
}
