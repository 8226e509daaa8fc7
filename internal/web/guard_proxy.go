package web

import (
	"fmt"
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// proxyConfig sets Fiber up for TRUSTED_PROXIES: X-Forwarded-For (and the
// other X-Forwarded-* headers) count only on connections from those
// addresses, and then c.IP() is the client's address. With none, every
// forwarded header is ignored and c.IP() is the peer's address.
func proxyConfig(cfg *fiber.Config, trusted []string) error {
	for _, p := range trusted {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				return fmt.Errorf("trusted proxy %q is neither an IP address nor a CIDR range", p)
			}
		}
	}
	cfg.EnableTrustedProxyCheck = true
	cfg.TrustedProxies = trusted
	if len(trusted) > 0 {
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
		cfg.EnableIPValidation = true
	}
	return nil
}

// forwardedClient rewrites X-Forwarded-For, on a connection from a trusted
// proxy, to the one address Fiber's c.IP() should return: the nearest hop
// that is not itself a trusted proxy. Proxies append the address they saw,
// so the left part of the header is whatever the client wrote and can be
// forged; reading from the right stops at the first untrusted hop. An
// entry that is not an address breaks the chain: the peer's address is
// used then. On other connections Fiber ignores the header anyway.
func (s *Server) forwardedClient(c *fiber.Ctx) error {
	if !s.behindProxy || !c.IsProxyTrusted() {
		return c.Next()
	}
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	client := c.Context().RemoteIP().String()
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break
		}
		client = ip.String()
		if !s.trustedProxy(ip) {
			break
		}
	}
	c.Request().Header.Set(fiber.HeaderXForwardedFor, client)
	return c.Next()
}

func (s *Server) trustedProxy(ip net.IP) bool {
	for _, n := range s.trustedNets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// parseTrusted turns TRUSTED_PROXIES entries (checked by proxyConfig)
// into ranges; a single address becomes a one-address range.
func parseTrusted(list []string) []*net.IPNet {
	var out []*net.IPNet
	for _, p := range list {
		if ip := net.ParseIP(p); ip != nil {
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		if _, n, err := net.ParseCIDR(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}
