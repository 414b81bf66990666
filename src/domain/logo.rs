//! A portal logo: PNG or JPEG, at most 256 KB, recognised by its content, never by its name.

pub const MAX_LOGO_BYTES: usize = 256 * 1024;

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_MAGIC: &[u8] = b"\xff\xd8\xff";

/// Image bytes whose first bytes say PNG or JPEG, with the matching content type.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    content_type: &'static str,
    bytes: Vec<u8>,
}

impl Logo {
    pub fn parse(bytes: Vec<u8>) -> Result<Logo, String> {
        if bytes.is_empty() {
            return Err("The logo file is empty.".into());
        }
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(format!(
                "A logo can be at most 256 KB (this file has {} KB).",
                bytes.len().div_ceil(1024)
            ));
        }
        let content_type = if bytes.starts_with(PNG_MAGIC) {
            "image/png"
        } else if bytes.starts_with(JPEG_MAGIC) {
            "image/jpeg"
        } else {
            return Err("A logo must be a PNG or JPEG image; this file is neither.".into());
        };
        Ok(Logo {
            content_type,
            bytes,
        })
    }
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({}, {} bytes)", self.content_type, self.bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognised_by_content() {
        let png = [PNG_MAGIC, b"rest"].concat();
        assert_eq!(Logo::parse(png).unwrap().content_type(), "image/png");
        let jpeg = [JPEG_MAGIC, b"\xe0rest"].concat();
        assert_eq!(Logo::parse(jpeg).unwrap().content_type(), "image/jpeg");
        assert!(Logo::parse(b"GIF89a....".to_vec()).is_err());
        assert!(Logo::parse(b"<svg onload=alert(1)>".to_vec()).is_err());
        assert!(Logo::parse(Vec::new()).is_err());
    }

    #[test]
    fn at_most_256_kb() {
        let mut big = PNG_MAGIC.to_vec();
        big.resize(MAX_LOGO_BYTES, 0);
        assert!(Logo::parse(big.clone()).is_ok());
        big.push(0);
        assert!(Logo::parse(big).unwrap_err().contains("256 KB"));
    }
}
