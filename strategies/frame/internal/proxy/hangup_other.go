//go:build !linux

package proxy

import "net"

// hangups off Linux: no watch fires, so a client's hang-up is seen only when its answer's
// write fails (the frame is built for Linux: deploy/Dockerfile).
type hangups struct{}

func newHangups() (*hangups, error) { return &hangups{}, nil }

func (h *hangups) watch(net.Conn) (*clientWatch, func()) { return &clientWatch{}, func() {} }
