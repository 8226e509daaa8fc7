// Command gen writes the province map's shapes (shapes_gen.go) from the
// seed geometry, or with -cut, makes that seed file from the upstream
// district file of daohoangson/dvhcvn (data/gis/56.json).
//
//	go run ./internal/provincemap/gen            # seed -> shapes_gen.go
//	go run ./internal/provincemap/gen -cut 56.json # upstream -> seed
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"

	"github.com/khanhhoa/investportal/internal/provincemap"
)

const (
	seedPath   = "seed/map/khanh_hoa_districts.geojson"
	shapesPath = "internal/provincemap/shapes_gen.go"
)

// gsoToCode maps the statistics office's district codes to the portal's
// location codes (place.Locations).
var gsoToCode = map[string]string{
	"568": "nha_trang", "569": "cam_ranh", "570": "cam_lam", "571": "van_ninh",
	"572": "ninh_hoa", "573": "khanh_vinh", "574": "dien_khanh", "575": "khanh_son",
	"576": "truong_sa",
}

func main() {
	cut := flag.String("cut", "", "upstream dvhcvn data/gis/56.json to cut into the seed file")
	flag.Parse()
	if *cut != "" {
		if err := cutSeed(*cut); err != nil {
			log.Fatal(err)
		}
		return
	}
	src, err := os.ReadFile(seedPath)
	if err != nil {
		log.Fatal(err)
	}
	out, err := provincemap.Generate(src)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(shapesPath, out, 0o644); err != nil {
		log.Fatal(err)
	}
}

// upstream is the layout of dvhcvn's per-province file.
type upstream struct {
	Level2s []struct {
		ID          string          `json:"level2_id"`
		Name        string          `json:"name"`
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"level2s"`
}

// cutSeed keeps the province's districts, thins each ring (Douglas-Peucker
// at 0.0001°, about 11 m, far below a pixel of the map) and rounds to 5
// decimals, so the seed file stays small but is still the source's shape.
func cutSeed(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var up upstream
	if err := json.Unmarshal(raw, &up); err != nil {
		return err
	}
	s := provincemap.Source{
		Type:      "FeatureCollection",
		Source:    "Hệ thống bản đồ hành chính (gis.chinhphu.vn), Cổng Thông tin điện tử Chính phủ, as extracted in github.com/daohoangson/dvhcvn data/gis/56.json (commit 4f987025d79fa13b882a2a611515dde306daa25e, 18 Oct 2019)",
		Retrieved: "2026-12-02",
		Licence:   "Boundaries published by the Government of Viet Nam (gis.chinhphu.vn); the extracting repository daohoangson/dvhcvn is distributed under GPL-3.0. Confirm the terms before publishing outside the province's own portal.",
		Note:      "Cut to Khánh Hòa's nine district-level units by gen -cut: rings thinned by Douglas-Peucker at 0.0001 degrees and rounded to 5 decimals. Trường Sa is the source's island outlines. Code is the portal's location code, gso the statistics office's code.",
	}
	for _, l := range up.Level2s {
		code, ok := gsoToCode[l.ID]
		if !ok {
			return fmt.Errorf("unknown district %s %s", l.ID, l.Name)
		}
		var multi [][][][2]float64
		if l.Type == "Polygon" {
			var poly [][][2]float64
			if err := json.Unmarshal(l.Coordinates, &poly); err != nil {
				return err
			}
			multi = [][][][2]float64{poly}
		} else if err := json.Unmarshal(l.Coordinates, &multi); err != nil {
			return err
		}
		var f provincemap.Feature
		f.Type = "Feature"
		f.Properties.Code, f.Properties.GSO, f.Properties.Name = code, l.ID, l.Name
		f.Geometry.Type = "MultiPolygon"
		for _, poly := range multi {
			var np [][][2]float64
			for _, ring := range poly {
				r := provincemap.ThinRing(ring, 0.0001)
				for i := range r {
					r[i] = [2]float64{math.Round(r[i][0]*1e5) / 1e5, math.Round(r[i][1]*1e5) / 1e5}
				}
				if len(r) >= 4 {
					np = append(np, r)
				}
			}
			if len(np) > 0 {
				f.Geometry.Coordinates = append(f.Geometry.Coordinates, np)
			}
		}
		s.Features = append(s.Features, f)
	}
	// One feature a line, so a change of one area is one line of diff.
	feats := s.Features
	s.Features = nil
	head, err := json.Marshal(s)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.Write(bytes.TrimSuffix(head, []byte(`,"features":null}`)))
	b.WriteString(",\n\"features\": [\n")
	for i, f := range feats {
		line, err := json.Marshal(f)
		if err != nil {
			return err
		}
		b.Write(line)
		if i < len(feats)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return os.WriteFile(seedPath, b.Bytes(), 0o644)
}
