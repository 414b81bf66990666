//! The billing country's region, which decides the customer's default dial-in code.

/// Regions of the dial-in numbers: each has one default country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Amer,
    Apac,
    Anz,
    Emea,
    Euro,
}

/// The Americas, North to South, with the Caribbean.
const AMER: &[&str] = &[
    "US", "CA", "MX", "GL", "PM", "BM", "GT", "BZ", "SV", "HN", "NI", "CR", "PA", "CU", "DO", "HT",
    "JM", "PR", "VI", "VG", "AI", "AG", "BS", "BB", "DM", "GD", "KN", "LC", "VC", "TT", "KY", "MS",
    "TC", "AW", "BQ", "CW", "SX", "MF", "BL", "GP", "MQ", "UM", "CO", "VE", "GY", "SR", "GF", "EC",
    "PE", "BO", "BR", "PY", "UY", "AR", "CL", "FK", "GS",
];

/// Australia and New Zealand, with their territories.
const ANZ: &[&str] = &["AU", "NZ", "NF", "CX", "CC", "HM", "CK", "NU", "TK"];

/// Members of the euro area (Bulgaria from 2026) and the states that use the euro by
/// agreement.
const EURO: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PT", "SK", "SI", "ES", "AD", "MC", "SM", "VA",
];

/// Asia (east, south-east, south, central) and the Pacific islands.
const APAC: &[&str] = &[
    "CN", "HK", "MO", "TW", "JP", "KR", "KP", "MN", "SG", "MY", "ID", "TH", "VN", "PH", "KH", "LA",
    "MM", "BN", "TL", "IN", "PK", "BD", "LK", "NP", "BT", "MV", "AF", "KZ", "UZ", "TM", "KG", "TJ",
    "IO", "FJ", "PG", "SB", "VU", "NC", "PF", "WS", "TO", "KI", "TV", "NR", "FM", "MH", "PW", "GU",
    "MP", "AS", "WF", "PN",
];

impl Region {
    /// The region of an ISO 3166 alpha-2 code; Europe outside the euro area, the Middle East
    /// and Africa (and anything unknown) are EMEA.
    pub fn of(country: &str) -> Region {
        let c = country.trim().to_ascii_uppercase();
        let c = c.as_str();
        if AMER.contains(&c) {
            Region::Amer
        } else if ANZ.contains(&c) {
            Region::Anz
        } else if EURO.contains(&c) {
            Region::Euro
        } else if APAC.contains(&c) {
            Region::Apac
        } else {
            Region::Emea
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Region::Amer => "AMER",
            Region::Apac => "APAC",
            Region::Anz => "ANZ",
            Region::Emea => "EMEA",
            Region::Euro => "EURO",
        }
    }

    /// The default dial-in country code of the region.
    pub fn dial_in_code(self) -> &'static str {
        match self {
            Region::Amer => "+1",
            Region::Apac => "+65",
            Region::Anz => "+61",
            Region::Emea => "+44",
            Region::Euro => "+49",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_region_has_its_code() {
        assert_eq!(Region::of("US").dial_in_code(), "+1");
        assert_eq!(Region::of("ca").dial_in_code(), "+1");
        assert_eq!(Region::of("BR"), Region::Amer);
        assert_eq!(Region::of("SG").dial_in_code(), "+65");
        assert_eq!(Region::of("JP"), Region::Apac);
        assert_eq!(Region::of("AU").dial_in_code(), "+61");
        assert_eq!(Region::of("NZ"), Region::Anz);
        assert_eq!(Region::of("GB").dial_in_code(), "+44");
        assert_eq!(Region::of("NO"), Region::Emea, "Norway has no euro");
        assert_eq!(Region::of("ZA"), Region::Emea);
        assert_eq!(Region::of("AE"), Region::Emea);
        assert_eq!(Region::of("DE").dial_in_code(), "+49");
        assert_eq!(Region::of("FR"), Region::Euro);
        assert_eq!(Region::of("XX"), Region::Emea, "unknown falls back to EMEA");
    }

    #[test]
    fn every_listed_code_is_a_country_on_file() {
        for code in AMER.iter().chain(ANZ).chain(EURO).chain(APAC) {
            assert!(super::super::Country::parse(code).is_ok(), "{code}");
        }
    }
}
