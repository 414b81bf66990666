//! IP addresses and prefixes of access links.

use std::net::IpAddr;

/// An IPv4 or IPv6 address, optionally with a prefix length (`192.0.2.0/24`, `2001:db8::/48`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpNet(String);

impl IpNet {
    /// Empty input is allowed (a link may not have an address yet).
    pub fn parse(input: &str) -> Result<IpNet, String> {
        let t = input.trim();
        if t.is_empty() {
            return Ok(IpNet(String::new()));
        }
        let bad = || "Enter an IPv4 or IPv6 address, optionally with /prefix.".to_string();
        let (addr, prefix) = match t.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (t, None),
        };
        let ip: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        match prefix {
            None => Ok(IpNet(ip.to_string())),
            Some(p) => {
                let len: u8 = p.parse().map_err(|_| bad())?;
                if len > max {
                    return Err(format!("The prefix length can be at most {max}."));
                }
                Ok(IpNet(format!("{ip}/{len}")))
            }
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_prefixes() {
        assert_eq!(IpNet::parse("192.0.2.1").unwrap().as_str(), "192.0.2.1");
        assert_eq!(
            IpNet::parse("192.0.2.0/24").unwrap().as_str(),
            "192.0.2.0/24"
        );
        assert_eq!(
            IpNet::parse("2001:DB8::/48").unwrap().as_str(),
            "2001:db8::/48"
        );
        assert!(IpNet::parse("192.0.2.0/33").is_err());
        assert!(IpNet::parse("300.1.1.1").is_err());
        assert!(IpNet::parse("10.0.0.1/x").is_err());
        assert!(IpNet::parse("").is_ok());
    }
}
