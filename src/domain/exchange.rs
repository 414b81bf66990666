//! Exchange rates as exact decimals (an integer mantissa and a count of decimals, never a float)
//! and the conversion of a cash amount from one currency's minor units to another's, rounded
//! half to even.

/// At most this many decimals in a rate.
pub const MAX_RATE_SCALE: u32 = 9;

/// How many units of the target currency one unit of the source currency buys, exactly:
/// `mantissa / 10^scale`, greater than zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    mantissa: i64,
    scale: u32,
}

impl Rate {
    /// A rate as typed: `1.0850`, `0.5`, `140` (a point before the decimals, at most 9 of them,
    /// at most 18 digits in all, greater than zero).
    pub fn parse(input: &str) -> Result<Rate, String> {
        let t = input.trim();
        let example = || "Enter a rate such as 1.0850 (a point before the decimals).".to_string();
        if t.is_empty() {
            return Err("Enter a rate.".into());
        }
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if !digits(whole) || !digits(frac) || (whole.is_empty() && frac.is_empty()) {
            return Err(example());
        }
        if frac.len() > MAX_RATE_SCALE as usize {
            return Err(format!("A rate has at most {MAX_RATE_SCALE} decimals."));
        }
        let frac = frac.trim_end_matches('0');
        let joined = format!("{}{frac}", whole.trim_start_matches('0'));
        let joined = joined.trim_start_matches('0');
        if joined.len() > 18 {
            return Err("Enter a rate with at most 18 digits.".into());
        }
        let mantissa: i64 = if joined.is_empty() {
            0
        } else {
            joined.parse().map_err(|_| example())?
        };
        if mantissa == 0 {
            return Err("A rate is greater than zero.".into());
        }
        Ok(Rate {
            mantissa,
            scale: frac.len() as u32,
        })
    }

    /// A rate read from the database; `None` when the stored parts are not a valid rate.
    pub fn from_parts(mantissa: i64, scale: i32) -> Option<Rate> {
        let scale = u32::try_from(scale).ok().filter(|s| *s <= MAX_RATE_SCALE)?;
        (mantissa > 0).then_some(Rate { mantissa, scale })
    }

    pub fn mantissa(self) -> i64 {
        self.mantissa
    }

    pub fn scale(self) -> i32 {
        self.scale as i32
    }

    /// Converts `minor` units of a currency with `from_decimals` into minor units of one with
    /// `to_decimals`, rounding half to even; `None` when the result does not fit in ±10^15.
    pub fn convert(self, minor: i64, from_decimals: u32, to_decimals: u32) -> Option<i64> {
        let from_decimals = from_decimals.min(6);
        let to_decimals = to_decimals.min(6);
        let num = i128::from(minor)
            .checked_mul(i128::from(self.mantissa))?
            .checked_mul(10i128.checked_pow(to_decimals)?)?;
        let den = 10i128.checked_pow(from_decimals + self.scale)?;
        let q = div_half_even(num, den);
        i64::try_from(q)
            .ok()
            .filter(|v| v.abs() <= super::money::MAX_MINOR)
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.mantissa);
        }
        let scale = 10i64.pow(self.scale);
        write!(
            f,
            "{}.{:0width$}",
            self.mantissa / scale,
            self.mantissa % scale,
            width = self.scale as usize
        )
    }
}

/// `num / den` (den > 0) rounded to the nearest integer, ties to the even one.
fn div_half_even(num: i128, den: i128) -> i128 {
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    // num = q·den + r with 0 ≤ r < den: compare r with den/2.
    match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => {
            if q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(s: &str) -> Rate {
        Rate::parse(s).unwrap()
    }

    #[test]
    fn rates_are_exact_decimals() {
        assert_eq!(
            rate("1.0850"),
            Rate {
                mantissa: 1085,
                scale: 3
            }
        );
        assert_eq!(
            rate("140"),
            Rate {
                mantissa: 140,
                scale: 0
            }
        );
        assert_eq!(
            rate("0.000000001"),
            Rate {
                mantissa: 1,
                scale: 9
            }
        );
        assert_eq!(rate(".5").to_string(), "0.5");
        assert_eq!(rate("1.0850").to_string(), "1.085");
        assert_eq!(rate("007.20").to_string(), "7.2");
        for bad in [
            "",
            "0",
            "0.000",
            "-1",
            "1e3",
            "1,5",
            "abc",
            ".",
            "1.0000000001",
        ] {
            assert!(Rate::parse(bad).is_err(), "{bad:?} is refused");
        }
        assert!(Rate::parse("1234567890123456789").is_err());
        assert_eq!(Rate::from_parts(1085, 3), Some(rate("1.085")));
        assert_eq!(Rate::from_parts(0, 3), None);
        assert_eq!(Rate::from_parts(5, 10), None);
        assert_eq!(Rate::from_parts(5, -1), None);
    }

    #[test]
    fn conversion_is_exact() {
        // 10.00 EUR at 1.085 → 10.85 USD.
        assert_eq!(rate("1.085").convert(1000, 2, 2), Some(1085));
        // 2 decimals → 0 decimals (JPY) and → 3 decimals (KWD).
        assert_eq!(rate("160").convert(1234, 2, 0), Some(1974));
        assert_eq!(rate("0.33").convert(1000, 2, 3), Some(3300));
        assert_eq!(rate("1").convert(0, 2, 2), Some(0));
    }

    #[test]
    fn halves_round_to_even_both_ways() {
        // 0.05 × 0.5 = 0.025 → 0.02 (2 is even); 0.07 × 0.5 = 0.035 → 0.04 (4 is even).
        assert_eq!(rate("0.5").convert(5, 2, 2), Some(2));
        assert_eq!(rate("0.5").convert(7, 2, 2), Some(4));
        // 1.5 → 2 and 2.5 → 2 (to whole units).
        assert_eq!(rate("1.5").convert(100, 2, 0), Some(2));
        assert_eq!(rate("2.5").convert(100, 2, 0), Some(2));
        // Not a half: nearest.
        assert_eq!(rate("0.51").convert(5, 2, 2), Some(3));
        assert_eq!(rate("0.49").convert(5, 2, 2), Some(2));
    }

    #[test]
    fn negative_amounts_round_the_same_way_mirrored() {
        assert_eq!(rate("0.5").convert(-5, 2, 2), Some(-2));
        assert_eq!(rate("0.5").convert(-7, 2, 2), Some(-4));
        assert_eq!(rate("2.5").convert(-100, 2, 0), Some(-2));
        assert_eq!(rate("1.5").convert(-100, 2, 0), Some(-2));
        assert_eq!(rate("0.51").convert(-5, 2, 2), Some(-3));
        assert_eq!(rate("1.085").convert(-1000, 2, 2), Some(-1085));
    }

    #[test]
    fn results_beyond_the_limit_are_none() {
        assert_eq!(rate("1000").convert(1_000_000_000_000_000, 2, 2), None);
        assert_eq!(rate("999999999").convert(i64::MAX, 0, 6), None);
    }
}
