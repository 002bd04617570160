//! Who the client is, for the per-client rate limits: the connection's peer address, unless
//! the peer is a configured reverse proxy. Then the client is the right-most address in
//! `X-Forwarded-For` (else `Forwarded: for=`) that is not itself a trusted proxy: every
//! trusted hop appends the address it saw, so entries to the left of the first untrusted one
//! are whatever the client chose to send and are never read. A header from an untrusted peer
//! is ignored entirely, so nobody can pick their own rate-limit bucket by sending one.

use std::fmt;
use std::net::IpAddr;

use axum::http::HeaderMap;
use axum::http::header::FORWARDED;

/// One trusted address block: an address and how many leading bits must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let net: IpAddr = address.trim().parse().ok()?;
        let net = net.to_canonical();
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(Self { net, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let (net, ip, width) = match (self.net, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                (u128::from(net.to_bits()), u128::from(ip.to_bits()), 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => (net.to_bits(), ip.to_bits(), 128),
            _ => return false,
        };
        if self.prefix == 0 {
            return true;
        }
        let shift = width - u32::from(self.prefix);
        net >> shift == ip >> shift
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

/// The reverse proxies whose forwarding headers are believed (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.5`, `2001:db8::1`) and blocks (`10.0.0.0/8`, `fd00::/8`).
    ///
    /// # Errors
    /// The first item that is neither, quoted.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<Self, String> {
        items
            .iter()
            .map(AsRef::as_ref)
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                Cidr::parse(item).ok_or_else(|| {
                    format!("{item:?} is not an IP address or CIDR block (like 10.0.0.0/8)")
                })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    /// The blocks, as `address/prefix`.
    #[must_use]
    pub fn blocks(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|cidr| cidr.contains(ip))
    }

    /// The client's address of a request from `peer` with `headers`.
    pub(crate) fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let chain = forwarded_chain(headers);
        // Right to left: each entry was written by the hop to its right, trusted so far.
        let mut client = peer;
        for entry in chain.iter().rev() {
            match entry.map(|ip| ip.to_canonical()) {
                Some(ip) if self.trusts(ip) => client = ip,
                Some(ip) => return ip,
                // A trusted proxy wrote something that is not an address ("unknown", an
                // obfuscated name): the last address known is as far as the chain is believed.
                None => return client,
            }
        }
        client
    }
}

/// The addresses `X-Forwarded-For` lists, oldest hop first (every such header, in order);
/// without one, those of `Forwarded`'s `for=` parameters. `None` for an entry that is not an
/// address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let xff: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("\u{0}").split(','))
        .map(node)
        .collect();
    if !xff.is_empty() {
        return xff;
    }
    headers
        .get_all(FORWARDED)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("\u{0}").split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then(|| node(value))
            })
        })
        .collect()
}

/// One node: `192.0.2.1`, `192.0.2.1:8080`, `2001:db8::1`, `[2001:db8::1]:8080`, quoted or not.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"').trim();
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = text.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn proxies(items: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(items).unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let trusted = proxies(&["10.0.0.0/8", "192.0.2.7", "fd00::/8", " "]);
        assert_eq!(trusted.blocks(), ["10.0.0.0/8", "192.0.2.7/32", "fd00::/8"]);
        assert!(trusted.trusts(ip("10.200.1.1")));
        assert!(
            trusted.trusts(ip("::ffff:10.1.2.3")),
            "IPv4-mapped peers match"
        );
        assert!(trusted.trusts(ip("192.0.2.7")));
        assert!(!trusted.trusts(ip("192.0.2.8")));
        assert!(trusted.trusts(ip("fd12::1")));
        assert!(!trusted.trusts(ip("fe80::1")));
        assert!(proxies(&["0.0.0.0/0"]).trusts(ip("203.0.113.9")));
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "example.com",
            "10.0.0.0/",
            "10/8",
        ] {
            assert!(TrustedProxies::parse(&[bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_spoofed_header_from_an_untrusted_peer_is_ignored() {
        let forged = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", "for=198.51.100.2"),
        ]);
        // No proxies configured (the default): the peer, always.
        let peer = ip("203.0.113.9");
        assert_eq!(TrustedProxies::default().client(peer, &forged), peer);
        // Proxies configured, but this peer is not one of them.
        assert_eq!(proxies(&["10.0.0.0/8"]).client(peer, &forged), peer);
    }

    #[test]
    fn the_right_most_untrusted_forwarded_address_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.2");
        // The client forged the first entry; the proxies appended the rest.
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.3")]);
        assert_eq!(trusted.client(peer, &chain), ip("203.0.113.9"));
        // Several headers are one list, in order.
        let split = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "203.0.113.10:5555"),
        ]);
        assert_eq!(trusted.client(peer, &split), ip("203.0.113.10"));
        // Every hop trusted: the left-most.
        let inside = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.3")]);
        assert_eq!(trusted.client(peer, &inside), ip("10.9.9.9"));
        // No header at all: the proxy itself.
        assert_eq!(trusted.client(peer, &HeaderMap::new()), peer);
        // Something that is not an address, written by a trusted hop: stop there.
        let unknown = headers(&[("x-forwarded-for", "203.0.113.9, unknown, 10.0.0.3")]);
        assert_eq!(trusted.client(peer, &unknown), ip("10.0.0.3"));
    }

    #[test]
    fn forwarded_for_is_read_without_x_forwarded_for() {
        let trusted = proxies(&["10.0.0.0/8", "fd00::/8"]);
        let peer = ip("fd00::1");
        let standard = headers(&[(
            "forwarded",
            "for=198.51.100.1;proto=https, For=\"[2001:db8::7]:4711\";by=10.0.0.1, for=10.0.0.4",
        )]);
        assert_eq!(trusted.client(peer, &standard), ip("2001:db8::7"));
        let both = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=198.51.100.1"),
        ]);
        assert_eq!(trusted.client(peer, &both), ip("203.0.113.9"));
    }
}
