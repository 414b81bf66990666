//! Bandwidths as people read them: digits grouped in thousands and the unit that keeps the
//! number short ("100 Mbit/s", "2.5 Gbit/s"), from the kbit/s the links store.

use super::thousands;

/// A bandwidth of `kbps` kbit/s in the largest unit (kbit/s, Mbit/s, Gbit/s) it reaches, with
/// at most three decimals, trailing zeros dropped: `1500` → `1.5 Mbit/s`.
pub fn bandwidth(kbps: i64) -> String {
    let (div, unit) = match kbps.unsigned_abs() {
        0..1_000 => (1, "kbit/s"),
        1_000..1_000_000 => (1_000, "Mbit/s"),
        _ => (1_000_000, "Gbit/s"),
    };
    let whole = kbps / div;
    let frac = (kbps % div).unsigned_abs();
    if frac == 0 {
        return format!("{} {unit}", thousands(whole));
    }
    // Three decimals at most: a kbit/s under a Gbit/s is not worth showing.
    let scale = div / 1000;
    let decimals = format!("{:03}", frac / scale.max(1) as u64);
    let decimals = decimals.trim_end_matches('0');
    if decimals.is_empty() {
        format!("{} {unit}", thousands(whole))
    } else {
        format!("{}.{decimals} {unit}", thousands(whole))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_keeps_the_number_short() {
        assert_eq!(bandwidth(0), "0 kbit/s");
        assert_eq!(bandwidth(512), "512 kbit/s");
        assert_eq!(bandwidth(1_000), "1 Mbit/s");
        assert_eq!(bandwidth(1_500), "1.5 Mbit/s");
        assert_eq!(bandwidth(100_000), "100 Mbit/s");
        assert_eq!(bandwidth(1_000_000), "1 Gbit/s");
        assert_eq!(bandwidth(2_500_000), "2.5 Gbit/s");
        assert_eq!(bandwidth(10_000_001), "10 Gbit/s");
        assert_eq!(bandwidth(1_000_000_000), "1,000 Gbit/s");
    }
}
