//! Commands besides `serve`.

pub mod backup;
pub mod create_operator;
pub mod demo_data;
pub mod demo_money;
pub mod demo_subscribers;

use rand::seq::SliceRandom;
use rand::Rng;

/// A random password that passes every password policy here (20 characters).
pub fn generate_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"!#%+=?@";
    let mut rng = rand::thread_rng();
    let mut pick = |set: &[u8]| set[rng.gen_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(UPPER), pick(DIGIT), pick(SPECIAL)];
    let all: Vec<u8> = [UPPER, LOWER, DIGIT].concat();
    while chars.len() < 20 {
        chars.push(pick(&all));
    }
    chars.shuffle(&mut rand::thread_rng());
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_passwords_pass_the_policies() {
        for _ in 0..50 {
            let p = super::generate_password();
            assert!(crate::domain::OperatorPassword::parse(&p).is_ok(), "{p}");
        }
    }
}
