package board

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// watchData is the progress watch's content.
type watchData struct {
	Settings project.WatchSettings
	Items    []project.WatchItem
	Count    int64
}

func (s *Handlers) boardWatch(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	w, err := s.projects.WatchSettings(ctx)
	if err != nil {
		return err
	}
	items, err := s.projects.Watch(ctx, w, s.Now())
	if err != nil {
		return err
	}
	p := s.NewPage(c, "board.watch.title")
	p.Nav = "board"
	p.Data = watchData{Settings: w, Items: items, Count: int64(len(items))}
	return s.Render(c, "board/watch", p)
}
