package cli

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/sandik-dev/sandik/center"
)

// DemoSheetPhotos is how many boxes of the first race get a photo of
// their sheet in the keying queue on the demo's first start.
const DemoSheetPhotos = 6

// SeedSheetPhotos puts drawn photos of a few boxes' sheets in the keying
// queue (/anahtarlama): a grey page with ruled lines, a box number in
// dots, different for each box. It returns how many it added; a second
// start adds none.
func SeedSheetPhotos(ctx context.Context, c *center.Center) (int, error) {
	reg := c.Registry()
	if len(reg.Races) == 0 {
		return 0, nil
	}
	race := reg.Races[0].Code
	boxes := reg.RaceBoxes(race)
	added := 0
	for i, box := range boxes[:min(len(boxes), DemoSheetPhotos)] {
		_, created, err := c.AddSheetPhoto(ctx, Operator(), race, box, drawnSheet(i))
		if err != nil {
			return added, fmt.Errorf("demo sheet photo of %s: %w", box, err)
		}
		if created {
			added++
		}
	}
	return added, nil
}

// drawnSheet is a 300 × 400 PNG of a ruled page whose marks depend on n.
func drawnSheet(n int) []byte {
	img := image.NewGray(image.Rect(0, 0, 300, 400))
	for i := range img.Pix {
		img.Pix[i] = 235
	}
	for y := 40; y < 380; y += 30 {
		for x := 20; x < 280; x++ {
			img.SetGray(x, y, color.Gray{Y: 90})
		}
		// A figure's worth of dots on each line, a different count per box.
		for k := range (y/30+n)%9 + 1 {
			for d := range 4 {
				img.SetGray(200+k*8+d%2, y-8+d/2, color.Gray{Y: 20})
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img) //nolint:errcheck // a bytes.Buffer does not fail
	return b.Bytes()
}
