//! A list of addresses and networks from a setting (`127.0.0.1, ::1, 10.0.0.0/8`): who may read
//! `/metrics`, which peers are trusted proxies.

use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Net {
    base: IpAddr,
    prefix: u8,
}

impl Net {
    fn parse(item: &str) -> Result<Net, String> {
        let (addr, prefix) = match item.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (item, None),
        };
        let base: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("“{item}” is not an IP address or network"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("“{item}” has a prefix length outside 0–{max}"))?,
        };
        Ok(Net { base, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip) {
            (IpAddr::V4(b), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(b) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(b), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(b) & mask == u128::from(a) & mask
            }
            (IpAddr::V6(_), IpAddr::V4(a)) => self.contains(IpAddr::V6(a.to_ipv6_mapped())),
            (IpAddr::V4(_), IpAddr::V6(a)) => a
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
        }
    }
}

/// Comma- or space-separated addresses and CIDR networks; empty means nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressList(Vec<Net>);

impl AddressList {
    pub fn parse(input: &str) -> Result<AddressList, String> {
        input
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Net::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(AddressList)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::AddressList;

    fn ip(s: &str) -> std::net::IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn addresses_and_networks_match() {
        let l = AddressList::parse("127.0.0.1, ::1 10.0.0.0/8,fd00::/8").unwrap();
        assert!(l.contains(ip("127.0.0.1")));
        assert!(!l.contains(ip("127.0.0.2")));
        assert!(l.contains(ip("10.200.3.4")));
        assert!(!l.contains(ip("11.0.0.1")));
        assert!(l.contains(ip("::1")));
        assert!(l.contains(ip("fd12::5")));
        assert!(l.contains(ip("::ffff:10.1.1.1")), "v4-mapped v6 peer");
        assert!(AddressList::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("8.8.8.8")));
        assert!(!AddressList::parse("").unwrap().contains(ip("127.0.0.1")));
    }

    #[test]
    fn bad_items_are_named() {
        assert!(AddressList::parse("localhost")
            .unwrap_err()
            .contains("localhost"));
        assert!(AddressList::parse("10.0.0.0/33").is_err());
    }
}
