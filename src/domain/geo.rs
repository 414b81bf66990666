//! Zone shapes of a subscriber: circles and rectangles in degrees and kilometres, kept exactly as
//! integers in units of 1e-7 (degrees, km), never as floats.

/// Stored units per degree (or per kilometre).
pub const SCALE: i64 = 10_000_000;
/// At most this many zones per subscriber…
pub const MAX_ZONES: usize = 9;
/// …and this many shapes per zone.
pub const MAX_SHAPES: usize = 5;

/// −179.99999°: the westernmost longitude accepted.
pub const LON_MIN: i64 = -1_799_999_900;
pub const LON_MAX: i64 = 180 * SCALE;
pub const LAT_MIN: i64 = -90 * SCALE;
pub const LAT_MAX: i64 = 90 * SCALE;
/// 99,999,999.9999999 km.
pub const RADIUS_MAX: i64 = 999_999_999_999_999;

/// A decimal with at most 7 decimals as an integer number of 1e-7 units.
pub fn parse_scaled(input: &str) -> Result<i64, String> {
    let t = input.trim().replace(',', ".");
    if t.is_empty() {
        return Err("Enter a number.".into());
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !digits(frac) || (whole.is_empty() && frac.is_empty()) {
        return Err("Enter a number such as 10.75 or -3.5.".into());
    }
    if frac.len() > 7 {
        return Err("Use at most 7 decimals.".into());
    }
    if whole.len() > 11 {
        return Err("That number is too large.".into());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "Enter a number.".to_string())?
    };
    let frac: i64 = format!("{frac:0<7}")
        .parse()
        .map_err(|_| "Enter a number.".to_string())?;
    let v = whole * SCALE + frac;
    Ok(if neg { -v } else { v })
}

/// 1e-7 units back to the shortest exact decimal (`-1799999900` → `-179.99999`).
pub fn format_scaled(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let frac = format!("{:07}", v.abs() % SCALE);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{sign}{}", v.abs() / SCALE)
    } else {
        format!("{sign}{}.{frac}", v.abs() / SCALE)
    }
}

pub fn longitude(input: &str) -> Result<i64, String> {
    let v = parse_scaled(input)?;
    if !(LON_MIN..=LON_MAX).contains(&v) {
        return Err("Longitude runs from -179.99999 (west) to 180 (east).".into());
    }
    Ok(v)
}

pub fn latitude(input: &str) -> Result<i64, String> {
    let v = parse_scaled(input)?;
    if !(LAT_MIN..=LAT_MAX).contains(&v) {
        return Err("Latitude runs from -90 (south) to 90 (north).".into());
    }
    Ok(v)
}

pub fn radius(input: &str) -> Result<i64, String> {
    let v = parse_scaled(input)?;
    if !(0..=RADIUS_MAX).contains(&v) {
        return Err("The radius runs from 0 to 99999999.9999999 km.".into());
    }
    Ok(v)
}

/// A valid shape, in stored units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle {
        lon: i64,
        lat: i64,
        radius: i64,
    },
    Rectangle {
        west: i64,
        north: i64,
        east: i64,
        south: i64,
    },
}

/// The text typed for one shape, named as on the form: `x`, `y` (centre or top-left corner),
/// `r` (radius), `x2`, `y2` (bottom-right corner).
pub struct ShapeInput<'a> {
    pub kind: &'a str,
    pub x: &'a str,
    pub y: &'a str,
    pub r: &'a str,
    pub x2: &'a str,
    pub y2: &'a str,
}

impl Shape {
    pub fn kind(&self) -> &'static str {
        match self {
            Shape::Circle { .. } => "circle",
            Shape::Rectangle { .. } => "rectangle",
        }
    }

    /// Checks every coordinate; on failure, the messages per input (`x`, `y`, `r`, `x2`, `y2`,
    /// `kind`).
    pub fn parse(input: &ShapeInput<'_>) -> Result<Shape, Vec<(&'static str, String)>> {
        let mut errors = Vec::new();
        let mut take = |field: &'static str, r: Result<i64, String>| match r {
            Ok(v) => Some(v),
            Err(m) => {
                errors.push((field, m));
                None
            }
        };
        match input.kind.trim() {
            "circle" => {
                let lon = take("x", longitude(input.x));
                let lat = take("y", latitude(input.y));
                let radius = take("r", self::radius(input.r));
                match (lon, lat, radius) {
                    (Some(lon), Some(lat), Some(radius)) => Ok(Shape::Circle { lon, lat, radius }),
                    _ => Err(errors),
                }
            }
            "rectangle" => {
                let west = take("x", longitude(input.x));
                let north = take("y", latitude(input.y));
                let east = take("x2", longitude(input.x2));
                let south = take("y2", latitude(input.y2));
                if let (Some(n), Some(s)) = (north, south) {
                    if n <= s {
                        errors.push((
                            "y2",
                            "The south latitude must be lower than the north latitude.".into(),
                        ));
                    }
                }
                if let (Some(w), Some(e)) = (west, east) {
                    if w == e {
                        errors.push((
                            "x2",
                            "The east longitude must differ from the west longitude.".into(),
                        ));
                    }
                }
                match (west, north, east, south) {
                    (Some(west), Some(north), Some(east), Some(south)) if errors.is_empty() => {
                        Ok(Shape::Rectangle {
                            west,
                            north,
                            east,
                            south,
                        })
                    }
                    _ => Err(errors),
                }
            }
            _ => Err(vec![("kind", "Choose a circle or a rectangle.".into())]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle(x: &str, y: &str, r: &str) -> Result<Shape, Vec<(&'static str, String)>> {
        Shape::parse(&ShapeInput {
            kind: "circle",
            x,
            y,
            r,
            x2: "",
            y2: "",
        })
    }

    fn rect(x: &str, y: &str, x2: &str, y2: &str) -> Result<Shape, Vec<(&'static str, String)>> {
        Shape::parse(&ShapeInput {
            kind: "rectangle",
            x,
            y,
            r: "",
            x2,
            y2,
        })
    }

    #[test]
    fn scaled_numbers_are_exact() {
        assert_eq!(parse_scaled("-179.99999"), Ok(LON_MIN));
        assert_eq!(parse_scaled("0.0000001"), Ok(1));
        assert_eq!(parse_scaled("10,5"), Ok(105_000_000));
        assert!(parse_scaled("1.00000001").is_err());
        assert!(parse_scaled("abc").is_err());
        assert_eq!(format_scaled(LON_MIN), "-179.99999");
        assert_eq!(format_scaled(RADIUS_MAX), "99999999.9999999");
        assert_eq!(format_scaled(-5_000_000), "-0.5");
        assert_eq!(format_scaled(0), "0");
    }

    #[test]
    fn coordinates_at_and_beyond_their_bounds() {
        assert!(longitude("-179.99999").is_ok());
        assert!(longitude("-179.9999901").is_err());
        assert!(longitude("-180").is_err());
        assert!(longitude("180").is_ok());
        assert!(longitude("180.0000001").is_err());
        assert!(latitude("90").is_ok());
        assert!(latitude("-90").is_ok());
        assert!(latitude("90.0000001").is_err());
        assert!(latitude("-90.0000001").is_err());
        assert!(radius("0").is_ok());
        assert!(radius("99999999.9999999").is_ok());
        assert!(radius("100000000").is_err());
        assert!(radius("-0.0000001").is_err());
    }

    #[test]
    fn rectangles_need_north_above_south_and_distinct_longitudes() {
        assert!(rect("10", "60", "11", "59").is_ok());
        let e = rect("10", "59", "11", "59").unwrap_err();
        assert_eq!(e[0].0, "y2");
        let e = rect("10", "60", "10", "59").unwrap_err();
        assert_eq!(e[0].0, "x2");
        // West may be east of east: the rectangle then crosses the date line.
        assert!(rect("179", "1", "-179", "0").is_ok());
    }

    #[test]
    fn every_bad_input_is_named() {
        let e = circle("200", "x", "-1").unwrap_err();
        let fields: Vec<_> = e.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["x", "y", "r"]);
        assert_eq!(
            circle("10.5", "59.9", "2.25"),
            Ok(Shape::Circle {
                lon: 105_000_000,
                lat: 599_000_000,
                radius: 22_500_000
            })
        );
    }
}
