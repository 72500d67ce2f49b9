//! A fixture crate: its tests pass, fail, panic and are ignored on purpose
//! so that taskproof's cargo test parser sees every shape.

/// Parses a small positive number.
///
/// ```
/// assert_eq!(cargofixture::parse("7"), Ok(7));
/// ```
///
/// ```
/// assert_eq!(cargofixture::parse("x"), Ok(0), "this doc-test fails");
/// ```
pub fn parse(s: &str) -> Result<u32, String> {
    let n: u32 = s.parse().map_err(|_| format!("bad input {s:?}"))?;
    if n == 0 {
        return Err("zero".to_string());
    }
    Ok(n)
}

/// Adds two numbers.
///
/// ```ignore
/// cargofixture::add(1, 2);
/// ```
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(2, 2), 4);
    }

    #[test]
    fn test_reject_bad_input() {
        assert!(parse("nope").is_err());
        assert!(parse("0").is_err());
    }

    #[test]
    fn fails_with_panic() {
        println!("some captured stdout");
        assert_eq!(add(2, 2), 5, "arithmetic is broken");
    }

    #[test]
    #[ignore]
    fn slow_ignored() {}

    #[test]
    #[ignore = "needs real hardware"]
    fn ignored_with_reason() {}

    #[test]
    #[should_panic(expected = "zero")]
    fn panics_as_expected() {
        parse("0").expect("zero");
    }

    mod nested {
        #[test]
        fn test_reject_overflow() {
            assert!(crate::parse("99999999999").is_err());
        }
    }
}
